// The host end of the command channel to the snapd VM: QEMU's second serial port is a Unix socket; the guest's
// coreforge-agent (snapd-guest.ts) runs each script and answers with its exit code and output, base64-encoded.
import { connect, type Socket } from 'node:net';
import { performance } from 'node:perf_hooks';
import { HarnessError } from './errors.js';

export interface AgentResult {
  readonly exitCode: number;
  readonly output: string;
  readonly ms: number;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** One `CF-RUN` line (pure; unit-tested). */
export function agentRunLine(id: number, timeoutSeconds: number, script: string): string {
  return `CF-RUN ${id} ${Math.max(1, Math.ceil(timeoutSeconds))} ${Buffer.from(script).toString('base64')}\n`;
}

/** Parses one line from the guest: a pong (with the guest's uptime) or a command's result. */
export function parseAgentLine(
  line: string,
): { pong: number } | { id: number; exitCode: number; output: string } | undefined {
  const pong = /^CF-PONG ([\d.]+)/.exec(line);
  if (pong) return { pong: Number(pong[1]) };
  const out = /^CF-OUT (\d+) (\d+) ?([A-Za-z0-9+/=]*)$/.exec(line.trim());
  if (out)
    return { id: Number(out[1]), exitCode: Number(out[2]), output: Buffer.from(out[3] ?? '', 'base64').toString() };
  return undefined;
}

export class AgentChannel {
  private socket?: Socket;
  private buffer = '';
  private nextId = 1;
  private readonly pending = new Map<
    number,
    { resolve: (r: { exitCode: number; output: string }) => void; reject: (e: Error) => void }
  >();
  private pongs: ((uptime: number) => void)[] = [];
  private closedWhy?: string;

  constructor(private readonly socketPath: string) {}

  /** Connects to QEMU's socket (retrying while QEMU starts) and waits for the guest's agent to answer a ping. */
  async connect(deadline: number, stop: () => string | undefined, signal?: AbortSignal): Promise<number> {
    while (!this.socket) {
      if (signal?.aborted) throw new HarnessError('BOOT_TIMEOUT', 'cancelled while waiting for the VM');
      const why = stop();
      if (why) throw new HarnessError('QEMU_FAILED', why);
      if (Date.now() > deadline) throw new HarnessError('BOOT_TIMEOUT', 'QEMU did not open the agent socket');
      this.socket = await new Promise<Socket | undefined>((resolve) => {
        const s = connect(this.socketPath);
        s.once('connect', () => resolve(s));
        s.once('error', () => resolve(undefined));
      });
      if (!this.socket) await sleep(100);
    }
    this.socket.setEncoding('utf8');
    this.socket.on('data', (chunk: string) => this.onData(chunk));
    this.socket.on('close', () => this.fail('the VM closed the agent channel'));
    this.socket.on('error', () => undefined);
    while (Date.now() < deadline) {
      if (signal?.aborted) throw new HarnessError('BOOT_TIMEOUT', 'cancelled while waiting for the VM');
      const why = stop() ?? this.closedWhy;
      if (why) throw new HarnessError('QEMU_FAILED', why);
      const uptime = await new Promise<number | undefined>((resolve) => {
        const timer = setTimeout(() => resolve(undefined), 1000);
        this.pongs.push((u) => {
          clearTimeout(timer);
          resolve(u);
        });
        this.socket?.write('CF-PING\n');
      });
      if (uptime !== undefined) return uptime;
    }
    throw new HarnessError('BOOT_TIMEOUT', 'the VM booted no agent on its second serial port in time');
  }

  private onData(chunk: string): void {
    this.buffer += chunk;
    let nl: number;
    while ((nl = this.buffer.indexOf('\n')) >= 0) {
      const line = this.buffer.slice(0, nl);
      this.buffer = this.buffer.slice(nl + 1);
      const msg = parseAgentLine(line);
      if (!msg) continue;
      if ('pong' in msg) {
        const waiters = this.pongs;
        this.pongs = [];
        for (const w of waiters) w(msg.pong);
      } else {
        this.pending.get(msg.id)?.resolve(msg);
        this.pending.delete(msg.id);
      }
    }
  }

  fail(why: string): void {
    this.closedWhy ??= why;
    for (const p of this.pending.values()) p.reject(new HarnessError('QEMU_FAILED', why));
    this.pending.clear();
  }

  /** Runs a bash script in the guest as root; resolves with its exit code and output (stdout+stderr). */
  async run(script: string, timeoutSeconds = 120): Promise<AgentResult> {
    if (this.closedWhy) throw new HarnessError('QEMU_FAILED', this.closedWhy);
    if (!this.socket) throw new HarnessError('QEMU_FAILED', 'the agent channel is not connected');
    const id = this.nextId++;
    const started = performance.now();
    let timer: NodeJS.Timeout | undefined;
    const result = await new Promise<{ exitCode: number; output: string }>((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
      // The guest kills the script at its timeout; this catches a guest that stopped answering altogether.
      timer = setTimeout(
        () => {
          this.pending.delete(id);
          reject(new HarnessError('BOOT_TIMEOUT', `the VM did not answer a command within ${timeoutSeconds + 120} s`));
        },
        (timeoutSeconds + 120) * 1000,
      );
      this.socket!.write(agentRunLine(id, timeoutSeconds, script));
    }).finally(() => clearTimeout(timer));
    return { ...result, ms: performance.now() - started };
  }

  close(): void {
    this.fail('the agent channel was closed');
    this.socket?.destroy();
  }
}
