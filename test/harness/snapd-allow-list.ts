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
];
