// The reviewed allow-list of AppArmor/seccomp denials the inference snap may cause under snapd: each entry says
// why the denial is harmless. A denial that is not here fails `coreforge test --snapd`. Review every addition.
import type { AllowedDenial } from './snapd-denials.js';

export const INFERENCE_SNAP_ALLOWED_DENIALS: readonly AllowedDenial[] = [
  {
    kind: 'apparmor',
    profile: 'snap.*',
    operation: 'open',
    name: '^/sys/fs/cgroup/.*/(memory\\.max|memory\\.high|cgroup\\.controllers|cpu\\.max)$',
    reason:
      'Node (libuv uv_get_constrained_memory / uv_available_parallelism) reads its own cgroup limits at start to size the V8 heap and the thread pool; ' +
      'denied, it falls back to the machine totals. No plug grants just these files (system-observe would grant far more), and Node has no setting to skip the read.',
  },
  {
    kind: 'seccomp',
    profile: 'snap.*',
    syscall: 425,
    reason:
      'io_uring_setup: libuv (Node 22, libuv >= 1.50) always tries to create a small io_uring at event-loop start to batch epoll_ctl calls; ' +
      "snapd's seccomp template refuses it (EPERM) and libuv falls back to plain epoll_ctl. UV_USE_IO_URING=0 does not stop this probe " +
      '(it gates only the file-operation ring, tried in the VM: still denied), and no interface grants io_uring.',
  },
];
