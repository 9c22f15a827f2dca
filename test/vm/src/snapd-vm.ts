// Starts the snapd VM and hands back its command channel; stop() always kills QEMU (also on abort and timeout).
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { AgentChannel } from './snapd-agent.js';
import type { SpawnLike } from './process.js';
import { QEMU_BINARY, snapdVmArgs, type SnapdVmOptions } from './qemu-args.js';

export interface SnapdVmStart extends Omit<SnapdVmOptions, 'agentSocket' | 'arch'> {
  readonly spawn: SpawnLike;
  readonly timeoutMs: number;
  readonly signal?: AbortSignal;
}

export interface RunningVm {
  readonly agent: AgentChannel;
  /** QEMU start to the agent's first answer. */
  readonly agentReadyMs: number;
  /** The guest's uptime when its agent first answered. */
  readonly guestUptimeS: number;
  readonly startedAt: number;
  /** Why QEMU exited, when it did. */
  exitReason(): string | undefined;
  /** Waits for QEMU to exit by itself (after a poweroff in the guest). */
  waitExit(timeoutMs: number): Promise<boolean>;
  stop(): Promise<void>;
}

export async function startSnapdVm(o: SnapdVmStart): Promise<RunningVm> {
  const sockDir = await mkdtemp(path.join(tmpdir(), 'cf-snapd-'));
  const agentSocket = path.join(sockDir, 'agent.sock');
  await writeFile(o.serialLog, '');
  let qemuOutput = '';
  let exited: string | undefined;
  const startedAt = performance.now();
  const qemu = o.spawn(QEMU_BINARY.amd64, snapdVmArgs({ ...o, arch: 'amd64', agentSocket }), {
    timeout: o.timeoutMs,
    onOutput: (t) => {
      qemuOutput += t;
    },
    ...(o.signal && { signal: o.signal }),
  });
  const agent = new AgentChannel(agentSocket);
  const exitedP = qemu.exited.then((r) => {
    exited = `QEMU exited (${r.signal ?? `status ${r.exitCode}`})${qemuOutput ? `: ${qemuOutput.trim().split('\n').slice(-3).join(' ')}` : ''}`;
    agent.fail(exited);
  });
  const onAbort = () => agent.fail('cancelled');
  o.signal?.addEventListener('abort', onAbort, { once: true });
  const stop = async () => {
    o.signal?.removeEventListener('abort', onAbort);
    agent.close();
    await qemu.kill();
    await rm(sockDir, { recursive: true, force: true });
  };
  try {
    const guestUptimeS = await agent.connect(Date.now() + o.timeoutMs, () => exited, o.signal);
    return {
      agent,
      agentReadyMs: performance.now() - startedAt,
      guestUptimeS,
      startedAt,
      exitReason: () => exited,
      waitExit: (ms) =>
        Promise.race([exitedP.then(() => true), new Promise<boolean>((r) => setTimeout(() => r(false), ms))]),
      stop,
    };
  } catch (e) {
    await stop();
    throw e;
  }
}
