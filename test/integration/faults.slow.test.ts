// Fault injection (seeded): `coreforge build` is killed with SIGKILL, SIGINT or SIGTERM 33 times, at 13 trigger
// points across every stage (its progress lines, after a seeded delay), then the build is rerun. The project
// derives a brand gadget (prepare-gadget: the real unsquashfs and snap pack on a stand-in pc gadget). ubuntu-image
// is the FAULT-INJECTION FAKE (test/fake-bin-faults), slowed and writing a bigger image so that build-image,
// compress-image and write-manifest take measurable time; the seed itself is judged by the stand-in in the
// build and rebuild tests. After every kill: no process of the build survives, SIGINT exits 130 and SIGTERM
// 143, a file under a final name is always whole, and the rerun ends with artifacts that pass unsquashfs -l,
// xz -t, sha256sum -c and match manifest.json, an image made from the published snap, gadget and model, the
// current labels in the snap and the current kernel command line in the gadget. No temp or staging folder is
// left. Also: two builds of one project at once, one builds and the other fails clearly.
import { execFileSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import {
  copyFileSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { parseModel, splitAssertion } from '@coreforge/model-assertions';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { checkFaultFakeArtifacts } from '../helpers/artifacts.js';
import { REPO_ROOT, runCli, runCliAsync, startCli } from '../helpers/cli.js';
import { withFaultFakes } from '../helpers/fake-tools.js';
import { fixture } from '../helpers/fixtures.js';
import { prng } from '../helpers/prng.js';
import { projectYaml } from '../helpers/project-yaml.js';
import { packSnapTree, standInGadget, standInPcGadgetYaml } from '../helpers/seed-store.js';

const SEED = Number(process.env.COREFORGE_FAULT_SEED ?? 12);
const dir = mkdtempSync(path.join(tmpdir(), 'coreforge-faults-'));
const out = path.join(dir, 'out');
const workdir = path.join(out, '.coreforge-build');
const project = path.join(dir, 'coreforge.yaml');
const labels = path.join(dir, 'labels.txt');
// The build's own temp folder: anything the build leaves in it is a leak.
const buildTmp = path.join(dir, 'tmp');
const MARK = `coreforge-fault-${randomUUID()}`;
const env = withFaultFakes(process.env, {
  COREFORGE_KEYS_DIR: path.join(dir, 'keys'),
  COREFORGE_CACHE: process.env.COREFORGE_CACHE ?? path.join(REPO_ROOT, 'test', '.cache', 'coreforge'),
  FAKE_DELAY_MS: '800',
  FAKE_IMAGE_MB: '3',
  TMPDIR: buildTmp,
  COREFORGE_FAULT_MARK: MARK,
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

let gadgetBase = '';
const yaml = (extraSnap: boolean, cmdline: number) =>
  projectYaml({
    inference: { compression: 'lzo' },
    signing: { key: 'acme-dev' },
    output: 'out',
    gadget: { base: gadgetBase, 'kernel-cmdline': { append: [`cf.generation=${cmdline}`] } },
    ...(extraSnap ? { snaps: [{ name: 'network-manager', channel: '24/stable' }] } : {}),
  });

/** Pids of live processes carrying this suite's mark in their environment (every process of a build does). */
function survivors(): string[] {
  const found: string[] = [];
  for (const pid of readdirSync('/proc').filter((p) => /^\d+$/.test(p))) {
    try {
      if (readFileSync(`/proc/${pid}/environ`, 'latin1').includes(MARK))
        found.push(`${pid} ${readFileSync(`/proc/${pid}/cmdline`, 'latin1').replace(/\0/g, ' ').slice(0, 120)}`);
    } catch {
      // gone, or not ours to read
    }
  }
  return found;
}

async function noSurvivors(): Promise<string[]> {
  // The reaper (a node process) may take a few seconds to start on a loaded machine.
  for (let i = 0; i < 250; i++) {
    const left = survivors();
    if (left.length === 0) return [];
    await new Promise((r) => setTimeout(r, 100));
  }
  return survivors();
}

/** Temp names a build may only have while it runs. */
function leftovers(): string[] {
  const found: string[] = [];
  for (const name of readdirSync(out))
    if (/^\..+\.[0-9a-f]{12}\.tmp$|^\.pack-|\.partial$/.test(name)) found.push(path.join(out, name));
  if (existsSync(path.join(workdir, 'tmp'))) found.push(path.join(workdir, 'tmp'));
  for (const name of readdirSync(buildTmp)) found.push(path.join(buildTmp, name));
  return found;
}

/** Every file under a final name is whole (an interrupted build may leave an older one, never half of one). */
function finalFilesWhole(): void {
  for (const name of readdirSync(out)) {
    const file = path.join(out, name);
    if (name.endsWith('.snap')) execFileSync('unsquashfs', ['-l', file], { stdio: 'pipe' });
    if (name.endsWith('.xz')) execFileSync('xz', ['-t', file], { stdio: 'pipe' });
    if (name.endsWith('.json')) JSON.parse(readFileSync(file, 'utf8'));
    if (name.endsWith('.model')) {
      const split = splitAssertion(readFileSync(file, 'utf8'));
      expect(parseModel(split.headers).model, file).toBe('acme-classifier-pc');
      expect(split.signature.length, `${file}: signature`).toBeGreaterThan(100);
    }
  }
}

interface KillPoint {
  readonly stage: string;
  readonly trigger: RegExp;
  readonly maxDelayMs: number;
}

const POINTS: readonly KillPoint[] = [
  { stage: 'pack-snap', trigger: /^❯ Pack the inference snap/, maxDelayMs: 300 },
  { stage: 'pack-snap', trigger: /› checking Node/, maxDelayMs: 800 },
  { stage: 'pack-snap', trigger: /› appending the model/, maxDelayMs: 400 },
  { stage: 'prepare-gadget', trigger: /^❯ Derive the brand gadget/, maxDelayMs: 300 },
  { stage: 'prepare-gadget', trigger: /› deriving "acme-pc"/, maxDelayMs: 200 },
  { stage: 'sign-model', trigger: /^❯ Compose and sign/, maxDelayMs: 60 },
  { stage: 'build-image', trigger: /^❯ Build the Ubuntu Core image/, maxDelayMs: 600 },
  { stage: 'build-image', trigger: /› \[1\] load_gadget_yaml/, maxDelayMs: 700 },
  { stage: 'compress-image', trigger: /^❯ Compress the image/, maxDelayMs: 500 },
  { stage: 'compress-image', trigger: /^❯ Compress the image/, maxDelayMs: 150 },
  { stage: 'write-manifest', trigger: /^❯ Write checksums/, maxDelayMs: 40 },
  { stage: 'write-manifest', trigger: /✔ Compress the image/, maxDelayMs: 20 },
  { stage: 'build-image', trigger: /✔ Compose and sign/, maxDelayMs: 100 },
];
const SIGNALS = ['SIGKILL', 'SIGINT', 'SIGTERM'] as const;

interface Trial {
  readonly signal: (typeof SIGNALS)[number];
  readonly point: KillPoint;
  readonly delayMs: number;
  readonly exitCode: number;
  readonly killed: boolean;
  /** The stage whose task line had started (and not finished) when the signal was sent. */
  readonly runningAtKill: string | undefined;
}

const TITLES: Readonly<Record<string, string>> = {
  'Pack the inference snap': 'pack-snap',
  'Derive the brand gadget (snap pack)': 'prepare-gadget',
  'Compose and sign the model assertion': 'sign-model',
  'Build the Ubuntu Core image (ubuntu-image)': 'build-image',
  'Compress the image (xz)': 'compress-image',
  'Write checksums and the build manifest': 'write-manifest',
};

let generation = 0;
let extraSnap = false;
let cmdline = 0;

/**
 * Changes an input so the build runs the point's stage: the labels for pack-snap, the gadget's kernel command
 * line for prepare-gadget, the model assertion (its snaps) for the stages after it.
 */
function invalidate(point: KillPoint): { labels: string; cmdline: number } {
  generation++;
  if (point.stage === 'pack-snap') {
    writeFileSync(labels, `${readFileSync(fixture('models/imagenet_labels.txt'), 'utf8')}generation ${generation}\n`);
  } else if (point.stage === 'prepare-gadget') {
    cmdline = generation;
    writeFileSync(project, yaml(extraSnap, cmdline));
  } else {
    extraSnap = !extraSnap;
    writeFileSync(project, yaml(extraSnap, cmdline));
  }
  return { labels: readFileSync(labels, 'utf8'), cmdline };
}

/** The brand gadget the last successful build recorded (prepare-gadget's output in the state file). */
function currentGadget(): string {
  const state = JSON.parse(readFileSync(path.join(workdir, 'coreforge-build.json'), 'utf8')) as {
    stages: Record<string, { outputs: Record<string, { file: string }> }>;
  };
  return state.stages['prepare-gadget']!.outputs.gadget!.file;
}

/** checkArtifacts, the image made from the published snap, gadget and model, and what the snap and gadget hold. */
function checkRerun(label: string, want: { labels: string; cmdline: number }): void {
  const gadget = currentGadget();
  checkFaultFakeArtifacts(out, [gadget]);
  const snap = readdirSync(out).find((f) => f.endsWith('_amd64.snap'))!;
  expect(
    execFileSync('unsquashfs', ['-cat', path.join(out, snap), 'model/labels.txt'], { maxBuffer: 1 << 26 }).toString(),
    `${label}: labels in the snap`,
  ).toBe(want.labels);
  expect(
    execFileSync('unsquashfs', ['-cat', gadget, 'meta/gadget.yaml']).toString(),
    `${label}: the gadget's kernel command line`,
  ).toContain(`cf.generation=${want.cmdline}`);
}

async function killDuring(signal: Trial['signal'], point: KillPoint, delayMs: number): Promise<Trial> {
  const { child, done } = startCli(['build', '-c', project], { env, timeout: 300_000 });
  let killed = false;
  let running: string | undefined;
  let runningAtKill: string | undefined;
  let buffer = '';
  child.stdout!.on('data', (d: Buffer) => {
    buffer += d.toString();
    const lines = buffer.split('\n');
    buffer = lines.pop()!;
    for (const line of lines) {
      const m = /^([❯✔↓✖]) (.*?)(?: \[SKIPPED.*)?$/.exec(line);
      if (m && TITLES[m[2]!]) running = m[1] === '❯' ? TITLES[m[2]!] : undefined;
      if (!killed && point.trigger.test(line)) {
        killed = true;
        setTimeout(() => {
          runningAtKill = running;
          child.kill(signal);
        }, delayMs);
      }
    }
  });
  const result = await done;
  return { signal, point, delayMs, exitCode: result.exitCode, killed, runningAtKill };
}

beforeAll(async () => {
  mkdirSync(buildTmp);
  copyFileSync(fixture('models/mobilenet_v1_0.25_128_quant.tflite'), path.join(dir, 'model.tflite'));
  copyFileSync(fixture('models/imagenet_labels.txt'), labels);
  gadgetBase = packSnapTree(standInGadget(standInPcGadgetYaml()));
  writeFileSync(project, yaml(false, 0));
  expect(runCli(['keys', 'create', 'acme-dev'], { env }).exitCode).toBe(0);
}, 120_000);

describe('fault injection', () => {
  it('a build killed while it packs the base from scratch leaves nothing behind, and the rerun completes', async () => {
    const trial = await killDuring(
      'SIGKILL',
      { stage: 'pack-snap', trigger: /› mksquashfs the base/, maxDelayMs: 0 },
      1500,
    );
    expect(trial.killed).toBe(true);
    expect(await noSurvivors()).toEqual([]);
    const rerun = await runCliAsync(['build', '-c', project], { env });
    expect(rerun.exitCode, rerun.stderr).toBe(0);
    checkRerun('after the first kill', { labels: readFileSync(labels, 'utf8'), cmdline: 0 });
    expect(leftovers()).toEqual([]);
  }, 900_000);

  it(`33 seeded kills (seed ${SEED}) across every stage, each followed by a rerun`, async () => {
    const rnd = prng(SEED);
    const trials: Trial[] = [];
    for (let i = 0; i < 33; i++) {
      // 13 points and 3 signals: consecutive trials differ in both, and each point gets two or three signals.
      const signal = SIGNALS[i % 3]!;
      const point = POINTS[i % POINTS.length]!;
      const delayMs = Math.floor(rnd() * (point.maxDelayMs + 1));
      const want = invalidate(point);
      const trial = await killDuring(signal, point, delayMs);
      trials.push(trial);
      const label = `trial ${i}: ${signal} ${delayMs} ms after ${point.trigger} (${point.stage})`;
      expect(trial.killed, `${label}: the trigger line never came`).toBe(true);
      // Killed, or it had already finished when the signal came.
      const wanted = { SIGKILL: 137, SIGINT: 130, SIGTERM: 143 }[signal];
      expect([wanted, 0], `${label}: exit code`).toContain(trial.exitCode);
      expect(await noSurvivors(), `${label}: processes left`).toEqual([]);
      if (signal !== 'SIGKILL') expect(leftovers(), `${label}: temp left after a clean ${signal}`).toEqual([]);
      finalFilesWhole();
      const rerun = await runCliAsync(['build', '-c', project], { env });
      expect(rerun.exitCode, `${label}: rerun: ${rerun.stderr}`).toBe(0);
      checkRerun(label, want);
      expect(await noSurvivors(), `${label}: processes left after the rerun`).toEqual([]);
      expect(leftovers(), `${label}: temp left after the rerun`).toEqual([]);
    }
    const byStage = new Map<string, number>();
    for (const t of trials)
      if (t.exitCode !== 0 && t.runningAtKill) byStage.set(t.runningAtKill, (byStage.get(t.runningAtKill) ?? 0) + 1);
    console.log(
      `fault injection: ${trials.length} kills, interrupted builds per stage: ${[...byStage].map(([s, n]) => `${s} ${n}`).join(', ')}`,
    );
    // Every stage was interrupted at least once (not only reached after the build had finished).
    expect([...byStage.keys()].sort()).toEqual([
      'build-image',
      'compress-image',
      'pack-snap',
      'prepare-gadget',
      'sign-model',
      'write-manifest',
    ]);
  }, 1_800_000);

  it('two builds of one project started 1 s apart: one builds, the other fails naming its pid', async () => {
    invalidate(POINTS[0]!);
    const first = startCli(['build', '-c', project], { env });
    await new Promise((r) => setTimeout(r, 1000));
    const second = startCli(['build', '-c', project], { env });
    const results = [await first.done, await second.done];
    const pids = [first.child.pid, second.child.pid];
    const winner = results.findIndex((r) => r.exitCode === 0);
    expect(winner, results.map((r) => r.stderr).join('\n')).toBeGreaterThanOrEqual(0);
    const loser = results[1 - winner]!;
    expect(loser.exitCode).toBe(1);
    expect(loser.stderr).toBe(
      `error: cannot build into "${out}": another build (pid ${pids[winner]}) is using it\nhint: wait for it to finish, or set another output folder (output: in the project file)\n`,
    );
    checkFaultFakeArtifacts(out, [currentGadget()]);
    expect(leftovers()).toEqual([]);
  }, 600_000);
});
