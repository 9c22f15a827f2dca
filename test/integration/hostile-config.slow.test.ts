// 200 seeded mutations of a valid project file (alias bombs, 50k keys, FIFOs and devices as the project
// file, model or labels, deep nesting, binary garbage, wrong types, huge values): each ends in success or a
// clear error (an expected error code, a message naming the file, exit 1), in under 2 s of CPU, never as an
// internal error (exit 70). Every tenth case also goes through the CLI binary.
import { execFileSync } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, rmSync, truncateSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, expect, it } from 'vitest';
import { validateProjectFile } from '../../builder/src/config/load.js';
import { reportError } from '../../builder/src/cli/report-error.js';
import { runCliAsync } from '../helpers/cli.js';
import { fixture } from '../helpers/fixtures.js';
import { prng } from '../helpers/prng.js';

const SEED = Number(process.env.COREFORGE_FUZZ_SEED ?? 12);
const CASES = 200;
const dir = mkdtempSync(path.join(tmpdir(), 'coreforge-hostile-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

copyFileSync(fixture('models/mobilenet_v1_0.25_128_quant.tflite'), path.join(dir, 'model.tflite'));
copyFileSync(fixture('models/imagenet_labels.txt'), path.join(dir, 'labels.txt'));
execFileSync('mkfifo', [path.join(dir, 'fifo')]);
mkdirSync(path.join(dir, 'folder'));
writeFileSync(path.join(dir, 'huge-labels.txt'), '');
truncateSync(path.join(dir, 'huge-labels.txt'), 64 * 1024 * 1024); // sparse: 64 MiB of zeros, no disk used

const VALID = `name: classifier
target: pc-amd64
brand: acme
model: acme-classifier-pc
display-name: Acme Classifier (PC)
grade: dangerous
snaps:
  - name: network-manager
    channel: 24/stable
inference:
  model: model.tflite
  labels: labels.txt
  accelerator: none
  port: 8080
  bind: 0.0.0.0
  threads: 1
  top-k: 5
signing:
  key: acme-dev
output: out
image:
  compression: xz
`;

const BOMB = `a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]
b: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a]
c: &c [*b,*b,*b,*b,*b,*b,*b,*b,*b]
d: &d [*c,*c,*c,*c,*c,*c,*c,*c,*c]
e: &e [*d,*d,*d,*d,*d,*d,*d,*d,*d]
f: &f [*e,*e,*e,*e,*e,*e,*e,*e,*e]
g: &g [*f,*f,*f,*f,*f,*f,*f,*f,*f]
h: &h [*g,*g,*g,*g,*g,*g,*g,*g,*g]
i: &i [*h,*h,*h,*h,*h,*h,*h,*h,*h]
`;

const VALUES = [
  '',
  '~',
  '[]',
  '{}',
  '-1',
  '99999999999999999999',
  'true',
  '"\\u0000"',
  '&x 1',
  '*nope',
  '!!binary AAAA',
  '"' + 'x'.repeat(100_000) + '"',
  '[[[[[[[[[[]]]]]]]]]]',
  '0x1F',
  '.inf',
  '"${HOME}"',
  '"../../../../etc/passwd"',
  'fifo',
  'folder',
  '/dev/zero',
];

type Mutation = (rnd: () => number) => { file?: string; text?: string | Buffer; what: string };
const pick = <T>(rnd: () => number, xs: readonly T[]): T => xs[Math.floor(rnd() * xs.length)]!;
const lines = VALID.split('\n');

const MUTATIONS: Mutation[] = [
  () => ({ text: BOMB + VALID.replace('name: classifier\n', 'name: *i\n'), what: 'alias bomb' }),
  () => ({ text: `${BOMB}x: [*i, *i, *i]\n`, what: 'alias bomb only' }),
  (r) => ({
    text: VALID + Array.from({ length: 50_000 }, (_, i) => `k${i}${Math.floor(r() * 10)}: ${i}\n`).join(''),
    what: '50k unknown keys',
  }),
  () => ({
    text: VALID + Array.from({ length: 8000 }, (_, i) => `unknwn-${i}: x\n`).join(''),
    what: '8k unknown keys (under the size cap)',
  }),
  () => ({ text: VALID + Array.from({ length: 5000 }, () => 'name: again\n').join(''), what: '5k duplicate keys' }),
  () => ({ file: path.join(dir, 'fifo'), what: 'FIFO as the project file' }),
  () => ({ file: '/dev/zero', what: 'device as the project file' }),
  () => ({ file: path.join(dir, 'folder'), what: 'folder as the project file' }),
  () => ({ text: VALID.replace('model: model.tflite', `model: ${path.join(dir, 'fifo')}`), what: 'FIFO as the model' }),
  () => ({ text: VALID.replace('labels: labels.txt', 'labels: /dev/zero'), what: 'device as the labels' }),
  () => ({ text: VALID.replace('labels: labels.txt', 'labels: huge-labels.txt'), what: 'huge labels' }),
  () => ({ text: VALID.replace('model: model.tflite', 'model: folder'), what: 'folder as the model' }),
  () => ({ text: `${'['.repeat(100_000)}${']'.repeat(100_000)}\n`, what: 'deep nesting' }),
  () => ({
    text: `a:\n${Array.from({ length: 2000 }, (_, i) => `${' '.repeat(i + 1)}b${i}:\n`).join('')}`,
    what: 'deep maps',
  }),
  (r) => ({ text: Buffer.from(Array.from({ length: 4096 }, () => Math.floor(r() * 256))), what: 'random bytes' }),
  (r) => {
    const b = Buffer.from(VALID);
    for (let i = 0; i < 8; i++) b[Math.floor(r() * b.length)] = Math.floor(r() * 256);
    return { text: b, what: 'flipped bytes' };
  },
  (r) => {
    const l = [...lines];
    l.splice(Math.floor(r() * l.length), 1);
    return { text: l.join('\n'), what: 'a line deleted' };
  },
  (r) => {
    const l = [...lines];
    const i = Math.floor(r() * l.length);
    l.splice(i, 0, l[i]!);
    return { text: l.join('\n'), what: 'a line duplicated' };
  },
  (r) => {
    const l = [...lines];
    const i = Math.floor(r() * l.length);
    l[i] = l[i]!.replace(/:.*$/, `: ${pick(r, VALUES)}`);
    return { text: l.join('\n'), what: `a value replaced in line ${i + 1}` };
  },
  (r) => {
    const l = [...lines];
    const i = Math.floor(r() * l.length);
    l[i] = l[i]!.replace(
      /^(\s*)([a-z-]+)/,
      (_, s: string, k: string) => `${s}${k.slice(0, -1)}${String.fromCharCode(97 + Math.floor(r() * 26))}`,
    );
    return { text: l.join('\n'), what: `a key misspelled in line ${i + 1}` };
  },
  (r) => ({ text: VALID.replace(/^ {2}/gm, () => (r() < 0.3 ? '\t' : '  ')), what: 'tabs' }),
  () => ({ text: '', what: 'empty file' }),
  () => ({ text: '\0\0\0', what: 'NUL bytes' }),
  () => ({ text: `name: "${'x'.repeat(300_000)}"\n`, what: 'one huge value' }),
  () => ({
    text: VALID.replace(
      'display-name: Acme Classifier (PC)',
      'display-name: &dn Acme Classifier (PC)\n# alias\ndummy-anchor-use: *dn',
    ),
    what: 'small alias',
  }),
  () => ({ text: VALID, what: 'the valid file' }),
];

interface Outcome {
  readonly exitCode: number;
  readonly text: string;
}

async function outcome(file: string): Promise<Outcome> {
  try {
    const report = await validateProjectFile(file, { env: {} });
    if (report.ok) return { exitCode: 0, text: '' };
    for (const p of report.errors) expect(p.message.length, `a message for ${JSON.stringify(p)}`).toBeGreaterThan(0);
    return { exitCode: 1, text: report.errors.map((p) => p.message).join('\n') };
  } catch (error) {
    return reportError(error);
  }
}

it(`${CASES} seeded mutated project files end in success or a clear error, never exit 70`, async () => {
  const rnd = prng(SEED);
  const kinds = new Map<string, number>();
  let slowest = { ms: 0, what: '' };
  for (let n = 0; n < CASES; n++) {
    // The first pass covers every mutation once; then they are drawn at random.
    const mutation = n < MUTATIONS.length ? MUTATIONS[n]! : pick(rnd, MUTATIONS);
    const m = mutation(rnd);
    const file = m.file ?? path.join(dir, `case-${n}.yaml`);
    if (m.text !== undefined) writeFileSync(file, m.text);
    const label = `case ${n} (seed ${SEED}): ${m.what}`;
    const cpu = process.cpuUsage();
    const result = await outcome(file);
    const used = process.cpuUsage(cpu);
    const ms = (used.user + used.system) / 1000;
    if (ms > slowest.ms) slowest = { ms, what: label };
    expect(ms, `${label}: CPU time`).toBeLessThan(2000);
    expect(result.exitCode, `${label}: ${result.text.slice(0, 400)}`).not.toBe(70);
    expect([0, 1], label).toContain(result.exitCode);
    if (result.exitCode !== 0) expect(result.text, label).not.toMatch(/\n\s+at /);
    kinds.set(m.what.replace(/ in line \d+/, ''), (kinds.get(m.what.replace(/ in line \d+/, '')) ?? 0) + 1);
    if (n % 10 === 0) {
      const cli = await runCliAsync(['config', 'validate', file], { env: { COREFORGE_FIXTURES: '' }, timeout: 60_000 });
      expect(cli.exitCode, `${label} via the CLI: ${cli.stderr.slice(0, 400)}`).toBe(result.exitCode);
      if (cli.exitCode !== 0) {
        expect(cli.stderr, label).toMatch(/^(error: |\S+:(\d+:\d+:)? )/);
        expect(cli.stderr, label).not.toContain('internal error');
      }
    }
  }
  console.log(
    `hostile project files: ${CASES} cases, slowest ${slowest.ms.toFixed(0)} ms CPU (${slowest.what}); kinds: ${[...kinds].map(([k, v]) => `${k} ${v}`).join(', ')}`,
  );
  // Readable errors for the issue's own cases.
  expect((await outcome(path.join(dir, 'fifo'))).text).toBe(
    `error: cannot read project file "${path.join(dir, 'fifo')}": it is not a regular file (a FIFO, device or socket), expected a file`,
  );
}, 600_000);
