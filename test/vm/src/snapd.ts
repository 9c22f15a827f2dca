// coreforge test --snapd: the inference snap under Debian's real snapd in a VM. Boots the cached disk
// (snapd-disk.ts) on a throwaway overlay, installs the snap with `snap install --dangerous`, and checks
// services, the HTTP answer, every configure-hook option, the classify app's home plug, AppArmor/seccomp
// confinement and every denial, each as a named, timed step. QEMU is always killed.
import { randomBytes } from 'node:crypto';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { matchesExpected } from './classify-vm.js';
import { HarnessError } from './errors.js';
import { freePort, httpRequest, waitHealthy } from './http.js';
import type { RunLike, SpawnLike } from './process.js';
import type { BootReport, StepResult } from './report.js';
import { snapServicePort } from './smoke.js';
import { buildSnapdDisk, type SnapdDisk } from './snapd-disk.js';
import { allowedBy, describeDenial, parseDenials, type AllowedDenial, type Denial } from './snapd-denials.js';
import { checkSnapArch, readSnapMeta } from './snap-meta.js';
import { GUEST_ADDRESS, snapdKernelCmdline } from './snapd-guest.js';
import { startSnapdVm, type RunningVm } from './snapd-vm.js';

export const SNAPD_STEPS = [
  'boot',
  'install',
  'services',
  'classify-http',
  'configure',
  'classify-app',
  'confinement',
  'coral',
  'denials',
] as const;
export type SnapdStep = (typeof SNAPD_STEPS)[number];

export interface SnapdTestOptions {
  readonly snapFile: string;
  readonly photo: Uint8Array;
  /** A label index ("653") or label text ("military uniform"). */
  readonly expect: string;
  readonly timeoutMs: number;
  readonly reportDir: string;
  /** The cached VM disk lives under here (test/.cache/snapd in this repository). */
  readonly cacheDir: string;
  readonly allowList: readonly AllowedDenial[];
  readonly run: RunLike;
  readonly spawn: SpawnLike;
  readonly signal?: AbortSignal;
  readonly accel?: 'tcg' | 'kvm';
  /** Only these steps (boot and install always run); default all. */
  readonly steps?: readonly SnapdStep[];
  /** How long the daemon may take to answer after install (default 90 s). */
  readonly serviceWaitMs?: number;
  readonly onProgress?: (msg: string) => void;
  /** Use this disk instead of building/looking up the cached one. */
  readonly disk?: SnapdDisk;
}

export interface SnapdReport extends BootReport {
  readonly steps: readonly StepResult[];
  readonly denials: readonly (Denial & {
    readonly verdict: 'allowed' | 'expected' | 'unexpected';
    readonly reason?: string;
  })[];
  readonly confinement?: string;
  readonly snapdVersion?: string;
  readonly diskKey?: string;
  /** The disk was built by this run (cold cache) and how long that took. */
  readonly diskBuildMs?: number;
  readonly artifacts?: readonly string[];
}

const q = (s: string) => `'${s.replace(/'/g, `'\\''`)}'`;

class StepFailure extends Error {}

/**
 * Guest shell: the processes `pgrep PATTERN` finds whose AppArmor label starts with `prefix`, as "LABEL (MODE) SECCOMP PID ARGS".
 * A process that exits between the reads of its label and its status is left out (it can no longer be judged); a live
 * process always prints its Seccomp mode, so one without a filter still shows as 0.
 */
export const LABELLED = (prefix: string, pgrep: string) =>
  `for p in $(pgrep ${pgrep}); do l=$(cat /proc/$p/attr/current 2>/dev/null) || continue; s=$(awk '/^Seccomp:/{print $2}' /proc/$p/status 2>/dev/null) && [ -n "$s" ] || continue; case "$l" in ${q(prefix)}*) printf '%s %s %s %s\\n' "$l" "$s" "$p" "$(tr '\\0' ' ' </proc/$p/cmdline 2>/dev/null | cut -c1-80)";; esac; done`;

/** The option names the configure hook reads (`snapctl get NAME`), in order. */
export function hookOptions(hook: string): string[] {
  return [...new Set([...hook.matchAll(/snapctl get ([a-z][a-z0-9-]*)/g)].map((m) => m[1]!))];
}

/** The hook's message for a refused value, as snap set prints it (the "cannot configure ..." line). */
function hookMessage(output: string): string | undefined {
  return /cannot configure [^\n]*/.exec(output)?.[0]?.replace(/\)$/, '');
}

export async function runSnapdTest(o: SnapdTestOptions): Promise<SnapdReport> {
  const startedAt = performance.now();
  const progress = o.onProgress ?? (() => undefined);
  await mkdir(o.reportDir, { recursive: true });
  const serialLog = path.join(o.reportDir, 'serial-snapd-amd64.log');
  const accel = o.accel ?? 'tcg';
  const meta = await readSnapMeta(o.run, o.snapFile);
  checkSnapArch(meta, 'amd64', o.snapFile);
  const name = meta.snapName;
  const snapYaml = (await o.run('unsquashfs', ['-cat', o.snapFile, 'meta/snap.yaml'], { timeout: 60_000 })).stdout;
  const hook = (
    await o.run('unsquashfs', ['-cat', o.snapFile, 'meta/hooks/configure'], { timeout: 60_000, reject: false })
  ).stdout;
  const guestPort = await snapServicePort(o.run, o.snapFile);
  const base = {
    kind: 'snapd' as const,
    target: path.basename(o.snapFile),
    arch: 'amd64',
    expected: o.expect,
    accel,
    serialLog,
  };
  const steps: StepResult[] = [];
  const want = (s: SnapdStep) => !o.steps || o.steps.includes(s);

  let diskBuildMs: number | undefined;
  let disk = o.disk;
  if (!disk) {
    const t = performance.now();
    disk = await buildSnapdDisk({
      run: o.run,
      spawn: o.spawn,
      cacheDir: o.cacheDir,
      accel,
      ...(o.signal && { signal: o.signal }),
      onProgress: (m) => progress(`snapd VM disk: ${m}`),
    });
    if (performance.now() - t > 10_000) diskBuildMs = performance.now() - t;
  }
  const work = await mkdtemp(path.join(tmpdir(), 'coreforge-snapd-'));
  const hostPort = await freePort();
  const altHostPort = await freePort();
  const altGuestPort = guestPort === 65535 ? guestPort - 1 : guestPort + 1;
  let vm: RunningVm | undefined;
  const denialsOut: SnapdReport['denials'][number][] = [];
  let confinement: string | undefined;
  const artifacts: string[] = [];
  let label: { index: number; label: string; score: number } | undefined;
  let firstClassificationMs: number | undefined;
  let serviceReadyMs: number | undefined;
  try {
    // Input disk: a tar archive of the snap and the photo.
    const inputDir = path.join(work, 'in');
    await mkdir(inputDir);
    await o.run('cp', [o.snapFile, path.join(inputDir, 'app.snap')], { timeout: 120_000 });
    await writeFile(path.join(inputDir, 'photo.bin'), o.photo);
    const input = path.join(work, 'input.tar');
    await o.run('tar', ['-cf', input, '-C', inputDir, 'app.snap', 'photo.bin'], { timeout: 120_000 });
    const output = path.join(work, 'output.tar');
    await writeFile(output, Buffer.alloc(0));
    await o.run('truncate', ['-s', '64M', output], { timeout: 10_000 });

    let vmGone = false;
    const step = async (stepName: string, f: () => Promise<string | void>): Promise<boolean> => {
      // Once the VM is gone (timeout, crash, Ctrl-C) the first failed step says why; the rest are not run.
      if (vmGone) return false;
      const t = performance.now();
      progress(`step ${stepName}`);
      try {
        o.signal?.throwIfAborted();
        const detail = await f();
        steps.push({ name: stepName, passed: true, ms: performance.now() - t, ...(detail && { detail }) });
        return true;
      } catch (e) {
        let message = e instanceof Error ? e.message : String(e);
        if (e instanceof HarnessError && e.code === 'QEMU_FAILED') {
          vmGone = true;
          await new Promise((r) => setTimeout(r, 200));
          if (performance.now() - startedAt >= o.timeoutMs - 2000)
            message = `the test did not finish within ${Math.round(o.timeoutMs / 1000)} s (--timeout), QEMU was stopped: ${message}`;
          else if (vm?.exitReason()) message = `${vm.exitReason()}: ${message}`;
        }
        steps.push({ name: stepName, passed: false, ms: performance.now() - t, failure: message });
        if (!(e instanceof StepFailure) && !(e instanceof HarnessError)) throw e;
        return false;
      }
    };
    const sh = async (script: string, timeoutS = 120) => vm!.agent.run(script, timeoutS);
    const must = async (script: string, what: string, timeoutS = 120) => {
      const r = await sh(script, timeoutS);
      if (r.exitCode !== 0)
        throw new StepFailure(
          `${what} failed (exit ${r.exitCode}): ${r.output.trim().split('\n').slice(-10).join('\n')}`,
        );
      return r.output;
    };
    const denialsNow = async () =>
      parseDenials(
        (await sh(`journalctl --no-pager -o cat | grep -E 'apparmor="DENIED"|type=1326' || true`, 60)).output,
        `snap.${name}.`,
      );
    const serviceDiagnosis = async () => {
      const r = await sh(
        `snap services ${q(name)} 2>&1; systemctl show -p ActiveState,SubState,Result,NRestarts snap.${name}.serve.service; echo '--- journal:'; journalctl --no-pager -o cat -u snap.${name}.serve.service | tail -n 12`,
        60,
      );
      const denials = await denialsNow();
      return `${r.output.trim()}${denials.length ? `\n--- denials:\n${denials.map((d) => d.text).join('\n')}` : ''}`;
    };
    const healthy = async (port: number, ms: number) =>
      (await waitHealthy(port, Date.now() + ms, () => vm?.exitReason(), o.signal)) === 'ready';
    const refuses = async (port: number) =>
      httpRequest(port, 'GET', '/healthz', undefined, 2000).then(
        (r) => r.status !== 200,
        () => true,
      );
    const classifyHttp = async (port: number) => {
      const reply = await httpRequest(port, 'POST', '/v1/classify', o.photo, 120_000).catch((e: Error) => ({
        status: 0,
        body: e.message,
      }));
      if (reply.status !== 200)
        throw new StepFailure(`POST /v1/classify answered ${reply.status}: ${reply.body.slice(0, 300)}`);
      return (JSON.parse(reply.body) as { results: { index: number; label: string; score: number }[] }).results[0]!;
    };

    // boot: the prepared disk on an overlay, the agent on ttyS1, seeding finished.
    const booted = await step('boot', async () => {
      vm = await startSnapdVm({
        kernel: disk.kernel,
        initrd: disk.initrd,
        cmdline: snapdKernelCmdline(),
        disk: disk.disk,
        snapshot: true,
        input,
        output,
        serialLog,
        forwards: [
          { hostPort, guestPort },
          { hostPort: altHostPort, guestPort: altGuestPort },
        ],
        spawn: o.spawn,
        timeoutMs: o.timeoutMs,
        accel,
        ...(o.signal && { signal: o.signal }),
      });
      // The input disk is unpacked while snapd finishes starting (both take seconds under TCG).
      const seeded = await sh(
        `mkdir -p /var/tmp/cf && { tar -xf /dev/disk/by-id/virtio-cf-input -C /var/tmp/cf > /run/cf-tar.txt 2>&1; echo $? > /run/cf-tar.rc; } &
s=$(date +%s%N); snap wait system seed.loaded; rc=$?; echo "CF seeded rc=$rc ms=$((($(date +%s%N) - s) / 1000000))"; wait
echo "CF input rc=$(cat /run/cf-tar.rc)"; cat /run/cf-tar.txt`,
        300,
      );
      const seed = /^CF seeded rc=(\d+) ms=(\d+)$/m.exec(seeded.output);
      if (seed?.[1] !== '0') throw new StepFailure(`snapd did not finish seeding: ${seeded.output.trim()}`);
      if (!/^CF input rc=0$/m.test(seeded.output))
        throw new StepFailure(
          `reading the input disk failed: ${seeded.output.trim().split('\n').slice(-10).join('\n')}`,
        );
      return `agent answered ${(vm.agentReadyMs / 1000).toFixed(1)} s after QEMU start (guest uptime ${vm.guestUptimeS.toFixed(1)} s); snapd seeded ${(Number(seed[2]) / 1000).toFixed(1)} s later`;
    });
    const installed =
      booted &&
      (await step('install', async () => {
        const r = await sh(`snap install --dangerous /var/tmp/cf/app.snap 2>&1`, 600);
        if (r.exitCode !== 0) {
          const hookLines = await sh(
            `journalctl --no-pager -o cat | grep -iE 'hook|configure' | tail -n 6 || true`,
            60,
          );
          throw new StepFailure(
            `snap install failed (exit ${r.exitCode}): ${r.output.trim()}${hookLines.output.trim() ? `\n--- journal:\n${hookLines.output.trim()}` : ''}`,
          );
        }
        return r.output.trim();
      }));
    const serving =
      installed &&
      (await step('services', async () => {
        const ok = await healthy(hostPort, o.serviceWaitMs ?? 90_000);
        const svc = (await sh(`snap services ${q(name)}`, 60)).output;
        if (!ok)
          throw new StepFailure(
            `the daemon ${name}.serve did not answer on port ${guestPort} within ${(o.serviceWaitMs ?? 90_000) / 1000} s:\n${await serviceDiagnosis()}`,
          );
        serviceReadyMs = performance.now() - vm!.startedAt;
        const row = svc.split('\n').find((l) => l.startsWith(`${name}.serve `));
        if (!row || !/\benabled\s+active\b/.test(row))
          throw new StepFailure(`snap services does not show ${name}.serve enabled and active:\n${svc.trim()}`);
        return row.trim().replace(/\s+/g, ' ');
      }));
    if (serving) {
      // The configure hook must not restart the daemon snapd has just started (snapd runs it after the services).
      await step('started-once', async () => {
        const starts = Number(
          (
            await sh(`journalctl --no-pager -o cat -u snap.${name}.serve.service | grep -c '^Started' || true`, 60)
          ).output.trim(),
        );
        if (starts !== 1)
          throw new StepFailure(
            `the install started the daemon ${starts} times (the configure hook restarted it): expected once`,
          );
        return 'the install started the daemon once';
      });
    }
    if (serving && want('classify-http')) {
      await step('classify-http', async () => {
        const top = await classifyHttp(hostPort);
        firstClassificationMs = performance.now() - startedAt;
        label = top;
        if (!matchesExpected(o.expect, top.index, top.label))
          throw new StepFailure(
            `expected ${o.expect}, the daemon answered ${top.index}:${top.label} (${top.score.toFixed(6)})`,
          );
        return `${top.score.toFixed(6)}: ${top.index}:${top.label}`;
      });
    }
    if (serving && want('configure')) {
      // One `snap set` of a good value for every option the hook reads, so the daemon restarts once (each restart is a
      // Node start under TCG); each option's step then checks its own effect and that a bad value is refused with the
      // hook's message; one `snap unset` restores the defaults.
      const options = hookOptions(hook);
      const livePort = options.includes('port') ? altGuestPort : guestPort;
      const token = randomBytes(24).toString('hex');
      const unit = `snap.${name}.serve.service`;
      const inGuest = (port: number, host = '127.0.0.1') => `http://${host}:${port}`;
      const answersInGuest = async (url: string) =>
        (await sh(`curl -fsS -o /dev/null --max-time 5 ${url}/healthz`, 30)).exitCode === 0;
      const classifyInGuest = async (auth: string | undefined) => {
        const r = await sh(
          `curl -sS --max-time 120 -o /run/cf-classify.json -w '%{http_code}' ${auth ? `-H ${q(`Authorization: Bearer ${auth}`)} ` : ''}--data-binary @/var/tmp/cf/photo.bin ${inGuest(livePort)}/v1/classify; echo; cat /run/cf-classify.json`,
          180,
        );
        const [status, ...body] = r.output.split('\n');
        return { status: Number(status), body: body.join('\n') };
      };
      const refused = async (assignment: string, expected: RegExp) => {
        const r = await sh(`snap set ${q(name)} ${q(assignment)} 2>&1`, 180);
        const message = hookMessage(r.output);
        if (r.exitCode === 0)
          throw new StepFailure(`snap set ${assignment} was accepted; the configure hook should refuse it`);
        if (!message || !expected.test(message))
          throw new StepFailure(`snap set ${assignment} was refused without the hook's message: ${r.output.trim()}`);
        return message;
      };
      let modelFile = '';
      const good: Record<string, () => Promise<string>> = {
        port: async () => String(altGuestPort),
        bind: async () => '127.0.0.1',
        threads: async () => '2',
        model: async () => {
          // An absolute path through the `current` symlink: the daemon's command line then differs from the default
          // ($SNAP/model/NAME), so the check below sees the value take effect even when the snap has one model.
          const file = (
            await must(
              `basename "$(ls /snap/${name}/current/model/*.tflite | head -1)"`,
              "finding the snap's model",
              30,
            )
          ).trim();
          modelFile = `/snap/${name}/current/model/${file}`;
          return modelFile;
        },
        token: async () => token,
      };
      const checks: Record<string, () => Promise<string>> = {
        token: async () => {
          const without = await classifyInGuest(undefined);
          if (without.status !== 401)
            throw new StepFailure(
              `token set: POST /v1/classify without the token answered ${without.status}, expected 401`,
            );
          const withToken = await classifyInGuest(token);
          if (withToken.status !== 200)
            throw new StepFailure(
              `token set: POST /v1/classify with the token answered ${withToken.status}: ${withToken.body.slice(0, 300)}`,
            );
          const m = await refused('token=short', /token/);
          return `with a token set, classify needs it (401 without, 200 with); token=short refused: "${m}"`;
        },
        port: async () => {
          if (!(await answersInGuest(inGuest(altGuestPort))))
            throw new StepFailure(`port=${altGuestPort}: nothing answers on port ${altGuestPort} inside the VM`);
          if (await answersInGuest(inGuest(guestPort)))
            throw new StepFailure(`port=${altGuestPort}: the old port ${guestPort} still answers inside the VM`);
          if (!(await refuses(hostPort)))
            throw new StepFailure(`port=${altGuestPort}: the old port ${guestPort} still answers through the forward`);
          const m = await refused('port=http', /port must be a number/);
          return `port ${altGuestPort} answers and ${guestPort} does not; port=http refused: "${m}"`;
        },
        bind: async () => {
          if (!(await answersInGuest(inGuest(livePort))))
            throw new StepFailure(`bind=127.0.0.1: the daemon does not answer on 127.0.0.1:${livePort} inside the VM`);
          if (await answersInGuest(inGuest(livePort, GUEST_ADDRESS)))
            throw new StepFailure(
              `bind=127.0.0.1: the daemon still answers on the VM's network address ${GUEST_ADDRESS}`,
            );
          if (!(await refuses(livePort === altGuestPort ? altHostPort : hostPort)))
            throw new StepFailure('bind=127.0.0.1: the daemon still answers through the forwarded port');
          const m = await refused('bind=any host', /bind must be an IPv4 or IPv6 address/);
          return `bind=127.0.0.1 answers inside the VM only; "any host" refused: "${m}"`;
        },
        threads: async () => {
          const cmd = await must(
            `ps -eo args | grep -E '[s]erve .*--threads 2( |$)'`,
            'the daemon running with --threads 2',
            30,
          );
          const m = await refused('threads=0', /threads must be a number from 1 to 64/);
          return `the daemon runs with --threads 2 (${cmd.trim().split(' ').length} args); threads=0 refused: "${m}"`;
        },
        model: async () => {
          const args = await must(
            `ps -o args= -p "$(systemctl show -p MainPID --value ${unit})"`,
            "the daemon's command line",
            30,
          );
          if (!args.includes(` -m ${modelFile} `))
            throw new StepFailure(`model=${modelFile}: the restarted daemon does not use it: ${args.trim()}`);
          const reply = await classifyInGuest(options.includes('token') ? token : undefined);
          if (reply.status !== 200)
            throw new StepFailure(
              `model=${modelFile}: POST /v1/classify answered ${reply.status}: ${reply.body.slice(0, 300)}`,
            );
          const top = (JSON.parse(reply.body) as { results: { index: number; label: string }[] }).results[0]!;
          if (!matchesExpected(o.expect, top.index, top.label))
            throw new StepFailure(
              `model=${modelFile}: expected ${o.expect}, the daemon answered ${top.index}:${top.label}`,
            );
          const m = await refused('model=missing.tflite', /model "missing\.tflite" does not exist/);
          return `model=${modelFile}: the daemon runs with -m ${modelFile} and classifies ${top.index}; missing.tflite refused: "${m}"`;
        },
      };
      const unknown = options.filter((opt) => !checks[opt]);
      if (options.length === 0)
        steps.push({ name: 'configure', passed: true, ms: 0, detail: 'the snap has no configure hook options' });
      else if (unknown.length)
        await step(`configure-${unknown[0]}`, async () => {
          throw new StepFailure(`the configure hook reads "${unknown[0]}", which this test does not know how to check`);
        });
      else {
        const set = await step('configure-set', async () => {
          const assignments = [];
          for (const opt of options) assignments.push(`${opt}=${await good[opt]!()}`);
          const shown = assignments.map((a) => (a.startsWith('token=') ? 'token=(a random test token)' : a)).join(' ');
          // The configure hook's processes are recorded while it runs (for the confinement step), then the sampler stops.
          const r = await sh(
            `set -u; rm -f /run/cf-hook-procs.txt /run/cf-hook-stop
before=$(systemctl show -p MainPID --value ${unit})
(while [ ! -e /run/cf-hook-stop ]; do ${LABELLED(`snap.${name}.hook.`, '-f meta/hooks/')}; sleep 0.1; done >> /run/cf-hook-procs.txt) &
out=$(snap set ${q(name)} ${assignments.map(q).join(' ')} 2>&1); rc=$?
touch /run/cf-hook-stop; wait
ready=no; for i in $(seq 1 900); do curl -fsS -o /dev/null --max-time 2 ${inGuest(livePort)}/healthz && { ready=yes; break; }; sleep 0.2; done
echo "CF rc=$rc before=$before after=$(systemctl show -p MainPID --value ${unit}) ready=$ready"; echo "$out"`,
            240,
          );
          const res = /^CF rc=(\d+) before=(\d+) after=(\d+) ready=(\w+)$/m.exec(r.output);
          if (!res) throw new StepFailure(`snap set ${shown}: no result from the VM: ${r.output.trim().slice(0, 400)}`);
          if (res[1] !== '0')
            throw new StepFailure(`snap set ${shown} failed (exit ${res[1]}): ${r.output.replace(res[0], '').trim()}`);
          if (res[2] === res[3])
            throw new StepFailure(
              `snap set ${shown}: the configure hook did not restart the daemon (MainPID ${res[2]})`,
            );
          if (res[4] !== 'yes')
            throw new StepFailure(
              `snap set ${shown}: the restarted daemon did not answer on 127.0.0.1:${livePort} inside the VM:\n${await serviceDiagnosis()}`,
            );
          return `snap set ${shown}: the hook restarted the daemon once (MainPID ${res[2]} -> ${res[3]}), it answers on 127.0.0.1:${livePort}`;
        });
        for (const option of options) if (set) await step(`configure-${option}`, checks[option]!);
        if (set)
          await step('configure-unset', async () => {
            await must(`snap unset ${q(name)} ${options.join(' ')}`, `snap unset ${options.join(' ')}`, 180);
            if (!(await healthy(hostPort, 180_000)))
              throw new StepFailure(
                `snap unset: the daemon did not answer on its default port ${guestPort} through the forward afterwards:\n${await serviceDiagnosis()}`,
              );
            if (livePort !== guestPort && !(await refuses(altHostPort)))
              throw new StepFailure(`snap unset: port ${altGuestPort} still answers`);
            return `snap unset ${options.join(' ')}: the daemon answers on its default port ${guestPort} again`;
          });
      }
    }
    if (installed && want('classify-app')) {
      await step('classify-app', async () => {
        await must(
          'cp /var/tmp/cf/photo.bin /root/cf-photo.bmp && mkdir -p /srv && cp /var/tmp/cf/photo.bin /srv/cf-photo.bmp',
          'copying the photo',
          30,
        );
        // The home file and the /srv file at once (two Node starts on two vCPUs), then home disconnected. The plug is left
        // disconnected: nothing after this step needs it, and reconnecting costs another rebuild of the snap's profiles.
        const app = q(`${name}.classify`);
        const both = await sh(
          `snap run ${app} -i /root/cf-photo.bmp > /run/cf-home.txt 2>&1 & a=$!; snap run ${app} -i /srv/cf-photo.bmp > /run/cf-srv.txt 2>&1 & b=$!
wait $a; echo "CF home=$?"; cat /run/cf-home.txt; wait $b; echo "CF srv=$?"; cat /run/cf-srv.txt`,
          300,
        );
        const part = (tag: string) => {
          const at = both.output.indexOf(`CF ${tag}=`);
          const rest = at < 0 ? '' : both.output.slice(at);
          const m = /^CF \w+=(\d+)\n/.exec(rest);
          const body = rest.slice(m?.[0].length ?? 0);
          const next = body.search(/^CF \w+=\d+$/m);
          return {
            exitCode: m ? Number(m[1]) : -1,
            output: at < 0 ? both.output : next < 0 ? body : body.slice(0, next),
          };
        };
        const home = part('home');
        const outside = part('srv');
        const top = /^([\d.]+): (\d+):(.*)$/m.exec(home.output);
        if (home.exitCode !== 0 || !top)
          throw new StepFailure(
            `${name}.classify on a file in the home folder failed (exit ${home.exitCode}): ${home.output.trim().slice(0, 400)}`,
          );
        if (!matchesExpected(o.expect, Number(top[2]), top[3]!))
          throw new StepFailure(`${name}.classify answered ${top[2]}:${top[3]}, expected ${o.expect}`);
        if (outside.exitCode === 0)
          throw new StepFailure(`${name}.classify read /srv/cf-photo.bmp, which the home plug does not allow`);
        await must(`snap disconnect ${q(`${name}:home`)}`, 'snap disconnect home', 120);
        const off = await sh(`snap run ${app} -i /root/cf-photo.bmp 2>&1`, 300);
        if (off.exitCode === 0)
          throw new StepFailure(`${name}.classify read /root/cf-photo.bmp with the home plug disconnected`);
        return `home file: ${top[1]}: ${top[2]}:${top[3]}; /srv refused (${/EACCES|permission denied/i.exec(outside.output)?.[0] ?? `exit ${outside.exitCode}`}); home file refused when home is disconnected`;
      });
    }
    if (installed && want('confinement')) {
      await step('confinement', async () => {
        confinement = (await sh('snap debug confinement', 30)).output.trim();
        // snapd's own answer for the installed snap (`snap info` would also ask the store, which retries for seconds offline).
        const info = await must(
          `curl -sS --unix-socket /run/snapd.socket http://localhost/v2/snaps/${name}`,
          'asking snapd about the snap',
          60,
        );
        const snapConfinement = (JSON.parse(info) as { result?: { confinement?: string } }).result?.confinement;
        if (snapConfinement !== 'strict')
          throw new StepFailure(`the snap is not strictly confined: snapd says confinement "${snapConfinement}"`);
        const aa = await must('aa-status', 'aa-status', 60);
        const enforce = aa.split(/\n(?=\d+ )/).find((b) => /profiles are in enforce mode/.test(b)) ?? '';
        const apps = /^apps:\n((?: .*\n?)*)/m.exec(snapYaml)?.[1] ?? '';
        const appNames = [...apps.matchAll(/^ {2}([a-z0-9-]+):/gm)].map((m) => m[1]!);
        const hooks = hook ? ['configure'] : [];
        const profiles = [...appNames.map((a) => `snap.${name}.${a}`), ...hooks.map((h) => `snap.${name}.hook.${h}`)];
        const notEnforced = profiles.filter((p) => !new RegExp(`^\\s+${p.replace(/\./g, '\\.')}$`, 'm').test(enforce));
        if (notEnforced.length)
          throw new StepFailure(
            `AppArmor profiles not in enforce mode: ${notEnforced.join(', ')}\n${aa.trim().slice(0, 1500)}`,
          );
        // The daemon's processes, and a process of each other app and hook, under their profile with seccomp filtering.
        const procs = await must(
          LABELLED(`snap.${name}.serve `, `-f /snap/${name}/`),
          "listing the daemon's processes",
          30,
        );
        const serveProcs = procs.split('\n').filter((l) => l.includes('bin/node'));
        if (serveProcs.length === 0 || !serveProcs.every((l) => l.startsWith(`snap.${name}.serve (enforce) 2 `)))
          throw new StepFailure(
            `the daemon's processes do not all run under snap.${name}.serve (enforce) with seccomp filtering:\n${procs.trim()}`,
          );
        const others: string[] = [];
        for (const app of appNames.filter((a) => a !== 'serve')) {
          // A process of the app, looked at from outside (the profile does not let it read its own attr/current).
          const r = await must(
            `snap run --shell ${q(`${name}.${app}`)} -c 'exec sleep 60' & for i in $(seq 1 300); do out=$(${LABELLED(`snap.${name}.${app} `, '-x sleep')}); [ -n "$out" ] && break; sleep 0.2; done; echo "$out"; kill %1 2>/dev/null; [ -n "$out" ]`,
            `a process under ${name}.${app}`,
            120,
          );
          if (!r.split('\n').some((l) => l.startsWith(`snap.${name}.${app} (enforce) 2 `)))
            throw new StepFailure(
              `${name}.${app} does not run under snap.${name}.${app} (enforce) with seccomp: ${r.trim()}`,
            );
          others.push(`${app}: ${r.trim().split('\n')[0]}`);
        }
        for (const h of hooks) {
          const seen = (await sh(`sort -u /run/cf-hook-procs.txt 2>/dev/null`, 30)).output.trim();
          if (!seen) {
            others.push(`hook ${h}: profile enforced, no process seen (the configure steps did not run)`);
            continue;
          }
          const lines = seen.split('\n').filter((l) => l.includes(`snap.${name}.hook.${h}`));
          if (lines.length === 0 || !lines.every((l) => l.startsWith(`snap.${name}.hook.${h} (enforce) 2 `)))
            throw new StepFailure(
              `the ${h} hook's processes do not all run under snap.${name}.hook.${h} (enforce) with seccomp:\n${seen}`,
            );
          others.push(`hook ${h}: ${lines.length} process(es) seen under snap.${name}.hook.${h} (enforce), Seccomp 2`);
        }
        return `strict; enforce: ${profiles.join(', ')}; serve: ${serveProcs.length} process(es) under snap.${name}.serve (enforce), Seccomp 2; ${others.join('; ')}; snapd says "${confinement}"`;
      });
    }
    if (installed && want('coral') && /^\s+- raw-usb\s*$/m.test(snapYaml)) {
      await step('coral-raw-usb', async () => {
        const before = await must(`snap connections ${q(name)}`, 'snap connections', 60);
        if (!/^raw-usb\s/m.test(before)) throw new StepFailure(`the snap declares no raw-usb plug:\n${before.trim()}`);
        await must(`snap connect ${q(`${name}:raw-usb`)}`, 'snap connect raw-usb', 120);
        const after = await must(`snap connections ${q(name)} | grep '^raw-usb'`, 'snap connections', 60);
        if (!/:raw-usb\s+-?\s*$|\s:raw-usb\s/.test(after))
          throw new StepFailure(`raw-usb is not connected to the system slot: ${after.trim()}`);
        return after.trim().replace(/\s+/g, ' ');
      });
    }
    if (booted) {
      await step('denials', async () => {
        const all = await denialsNow();
        for (const d of all) {
          // The classify-app step provokes these on purpose: the home plug refusing files.
          if (
            d.kind === 'apparmor' &&
            d.name &&
            /cf-photo\.bmp$/.test(d.name) &&
            d.profile === `snap.${name}.classify`
          ) {
            denialsOut.push({
              ...d,
              verdict: 'expected',
              reason: 'provoked by the classify-app step (the home plug refusing a file)',
            });
            continue;
          }
          const a = allowedBy(d, o.allowList);
          denialsOut.push(a ? { ...d, verdict: 'allowed', reason: a.reason } : { ...d, verdict: 'unexpected' });
        }
        const bad = denialsOut.filter((d) => d.verdict === 'unexpected');
        if (bad.length)
          throw new StepFailure(
            `${bad.length} denial(s) not on the reviewed allow-list:\n${bad.map((d) => `${describeDenial(d)}\n  ${d.text}`).join('\n')}`,
          );
        return `${denialsOut.length} denial(s): ${denialsOut.filter((d) => d.verdict === 'allowed').length} allow-listed, ${denialsOut.filter((d) => d.verdict === 'expected').length} provoked by the test, 0 unexpected`;
      });
      // Outputs: the journal and AppArmor state through the output disk.
      const collected = await sh(
        `cd /run && mkdir -p cf-out && journalctl --no-pager -o short-monotonic > cf-out/journal.txt; aa-status > cf-out/aa-status.txt 2>&1; snap changes > cf-out/snap-changes.txt 2>&1; tar -cf /dev/disk/by-id/virtio-cf-output -C cf-out . && sync`,
        120,
      ).catch(() => undefined);
      if (collected?.exitCode === 0) {
        const outDir = path.join(o.reportDir, 'snapd-vm');
        await mkdir(outDir, { recursive: true });
        const x = await o.run('tar', ['-xf', output, '-C', outDir], { timeout: 60_000, reject: false });
        if (x.exitCode === 0)
          artifacts.push(...['journal.txt', 'aa-status.txt', 'snap-changes.txt'].map((f) => path.join(outDir, f)));
      }
    }
  } finally {
    await vm?.stop();
    await rm(work, { recursive: true, force: true });
  }
  const failed = steps.find((s) => !s.passed);
  const passed = !failed && steps.some((s) => s.name === 'services');
  return {
    ...base,
    passed,
    ...(vm && { bootMs: vm.agentReadyMs }),
    ...(serviceReadyMs !== undefined && { serviceReadyMs }),
    ...(firstClassificationMs !== undefined && { firstClassificationMs }),
    ...(label && { label: label.label, index: label.index, score: label.score }),
    steps,
    denials: denialsOut,
    ...(confinement && { confinement }),
    snapdVersion: disk.snapdVersion,
    diskKey: disk.key,
    ...(diskBuildMs !== undefined && { diskBuildMs }),
    artifacts,
    ...(failed && {
      failure: {
        code: `STEP_${failed.name.toUpperCase().replace(/-/g, '_')}`,
        message: `${failed.name}: ${failed.failure}`,
      },
    }),
  };
}
