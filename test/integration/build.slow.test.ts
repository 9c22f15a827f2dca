// coreforge build end to end: the real offline packer, snap pack and signer, and the STAND-IN ubuntu-image
// (test/fake-bin), which runs snapd 2.57's own seed writer on exactly the command line the build gives it, against
// a test store (a folder signed with snapd's test keys: stand-in pc-kernel, core24, snapd and pc). snapd's seed
// reader then reads the seed back out of the image. What snapd would refuse, the build refuses first, before
// ubuntu-image runs, and the seed oracle refuses the same inputs.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { parse } from 'yaml';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SNAPD_SIGNED_REFUSAL } from '../../builder/src/image/snap-sources.js';
import { REPO_ROOT, runCli, runCliAsync } from '../helpers/cli.js';
import { withFakeTools } from '../helpers/fake-tools.js';
import { FIXTURES_DIR } from '../helpers/fixtures.js';
import {
  buildSeedOracle,
  packSnapTree,
  readSeed,
  runSeedOracle,
  seedSkipReason,
  standInApp,
  standInGadget,
  standInPcGadgetYaml,
  standInStore,
  type StandInStore,
  UC16_PC_GADGET_YAML,
} from '../helpers/seed-store.js';

const oracle = buildSeedOracle();
const skip = seedSkipReason(oracle);
const seedWriter = (oracle as { binary: string }).binary;
const dir = mkdtempSync(path.join(tmpdir(), 'coreforge-build-'));
const fakeLog = path.join(dir, 'ubuntu-image.log');
let standIn: StandInStore;
let env: Record<string, string>;
const APP_ID = 'c1assifierc1assifierc1assifier00';
const GADGET_ID = 'acmegadgetacmegadgetacmegadget00';
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const calls = () => (existsSync(fakeLog) ? readFileSync(fakeLog, 'utf8').trim().split('\n').length : 0);
const lastCall = () =>
  (JSON.parse(readFileSync(fakeLog, 'utf8').trim().split('\n').at(-1)!) as { argv: string[] }).argv;
const build = (project: string, args: string[] = []) =>
  runCliAsync(['build', '-c', project, ...args], { env, timeout: 900_000 });
const errorLine = (stderr: string) => stderr.split('\n').find((l) => l.startsWith('error: ')) ?? stderr;

/** The seed partition of a stand-in image (after mbr and BIOS Boot, at 2 MiB), copied out with mtools, read by snapd. */
function seedOf(image: string, into: string) {
  mkdirSync(into, { recursive: true });
  execFileSync('mcopy', ['-s', '-n', '-i', `${image}@@2M`, '::/systems', '::/snaps', into]);
  const label = readdirSync(path.join(into, 'systems'))[0]!;
  return readSeed(seedWriter, into, label);
}

/** The seed oracle on the inputs given to ubuntu-image (its argv). */
function oracleOn(argv: readonly string[]) {
  const snaps = argv.flatMap((a, i) => (argv[i - 1] === '--snap' ? [{ path: a }] : []));
  const channel = argv[argv.indexOf('--channel') + 1];
  return runSeedOracle(seedWriter, [
    {
      model: argv.at(-1)!,
      snaps,
      ...(argv.includes('--channel') && channel && { channel }),
      storeDir: standIn.store.dir,
    },
  ])[0]!;
}

beforeAll(() => {
  if (skip) return;
  const keysEnv = { COREFORGE_KEYS_DIR: path.join(dir, 'keys') };
  expect(runCli(['keys', 'create', 'acme-dev'], { env: keysEnv }).exitCode).toBe(0);
  const pub = path.join(dir, 'acme-dev.pub');
  expect(runCli(['keys', 'export-public', 'acme-dev', '-o', pub], { env: keysEnv }).exitCode).toBe(0);
  standIn = standInStore(path.join(dir, 'store'), seedWriter, 'acme', readFileSync(pub, 'utf8').trim());
  env = withFakeTools(process.env, { ...keysEnv, COREFORGE_FIXTURES: FIXTURES_DIR, FAKE_LOG: fakeLog, ...standIn.env });
}, 300_000);

describe.skipIf(skip !== undefined)(
  `coreforge build with the stand-in ubuntu-image${skip ? ` (skipped: ${skip})` : ''}`,
  () => {
    const project = path.join(dir, 'dangerous', 'coreforge.yaml');

    beforeAll(() => {
      mkdirSync(path.dirname(project), { recursive: true });
      writeFileSync(project, readFileSync(path.join(REPO_ROOT, 'examples/classifier/coreforge.yaml'), 'utf8'));
    });

    it('plans the stages', async () => {
      const r = await build(project, ['--dry-run']);
      expect(r.stdout.split('\n').map((l) => l.split(/\s+/)[1])).toEqual([
        'pack-snap',
        'prepare-gadget',
        'sign-model',
        'build-image',
        'compress-image',
        'write-manifest',
        undefined,
      ]);
    });

    it('dangerous: refuses, before ubuntu-image, a UC16 gadget, a gadget on another base and a missing model snap, as snapd does', async () => {
      const first = await build(project, ['--until', 'build-image']);
      expect(first.exitCode, first.stderr).toBe(0);
      const out = path.join(path.dirname(project), 'out');
      const model = path.join(out, 'acme-classifier-pc.model');
      const app = path.join(out, 'classifier_0.1.0_amd64.snap');
      const uc16 = packSnapTree(standInGadget(UC16_PC_GADGET_YAML));
      const core22 = packSnapTree(standInGadget(standInPcGadgetYaml(), { base: 'core22' }));
      const cases: [string, string[], string[], string, string][] = [
        [
          'a gadget with a UC16 layout',
          ['--snap', uc16],
          ['--snap', uc16, '--snap', app],
          'model requires system-seed partition, but no system-seed or system-data partition found',
          'model requires system-seed partition, but no system-seed or system-data partition found',
        ],
        [
          "a gadget whose base is not the model's",
          ['--snap', core22],
          ['--snap', core22, '--snap', app],
          'cannot use gadget snap because its base "core22" is different from model base "core24"',
          'cannot use gadget snap because its base "core22" is different from model base "core24"',
        ],
        [
          'a model snap missing from the inputs',
          ['--from-store', 'classifier'],
          [],
          'cannot build the image: the model lists "classifier", which has no store id and no local file, so ubuntu-image cannot get it',
          'snap "classifier" (channel latest/stable) is not in the store',
        ],
      ];
      for (const [what, flags, inputs, ours, snapds] of cases) {
        const before = calls();
        const r = await build(project, ['--resume', ...flags]);
        expect([what, r.exitCode, errorLine(r.stderr)]).toEqual([what, 1, `error: ${ours}`]);
        expect(calls(), `${what}: ubuntu-image must not run`).toBe(before);
        expect([what, oracleOn(['snap', ...inputs, model]).result]).toEqual([what, snapds]);
      }
    });

    it('dangerous: the inputs the build gives ubuntu-image are seeded by snapd, and snapd reads the seed back out of the image', async () => {
      const r = await build(project, ['--resume']);
      expect(r.exitCode, r.stderr).toBe(0);
      expect(r.stderr).toContain(
        'warning: "classifier" is a local snap without store assertions, so it has no snap id: snapd applies no gadget defaults or connections to it',
      );
      const out = path.join(path.dirname(project), 'out');
      for (const f of [
        'classifier_0.1.0_amd64.snap',
        'acme-classifier-pc.model',
        'acme-classifier-pc.img',
        'acme-classifier-pc.img.xz',
        'acme-classifier-pc.img.xz.sha256',
        'manifest.json',
      ])
        expect(existsSync(path.join(out, f)), f).toBe(true);
      const argv = lastCall();
      expect(argv.slice(0, 2)).toEqual(['snap', '--output-dir']);
      // ubuntu-image's scratch folder is in the build's temp folder (removed, or swept by the next build).
      // (ubuntu-image takes at most 80 characters; a longer one is left to ubuntu-image.)
      const scratch = path.join(out, '.coreforge-build', 'tmp', 'ubuntu-image');
      const rest = scratch.length <= 80 ? 5 : 3;
      if (scratch.length <= 80) expect(argv.slice(3, 5)).toEqual(['--workdir', scratch]);
      expect(existsSync(path.join(out, '.coreforge-build', 'tmp'))).toBe(false);
      expect(argv.slice(rest)).toEqual([
        '--snap',
        path.join(out, 'classifier_0.1.0_amd64.snap'),
        path.join(out, 'acme-classifier-pc.model'),
      ]);
      const seed = seedOf(path.join(out, 'acme-classifier-pc.img'), path.join(dir, 'seed-dangerous'));
      expect(seed).toMatchObject({ result: 'ok', readBack: 'ok', model: 'acme-classifier-pc', grade: 'dangerous' });
      expect(seed.snaps!.map((s) => [s.name, s.revision])).toEqual([
        ['snapd', 3],
        ['pc-kernel', 1],
        ['core24', 2],
        ['pc', 4],
        ['classifier', 0],
        ['network-manager', 6],
      ]);
      expect(JSON.parse(readFileSync(path.join(out, 'manifest.json'), 'utf8'))).toMatchObject({
        model: 'acme-classifier-pc',
        grade: 'dangerous',
      });
    });

    it("flashes the example image from the last build's manifest: bytes identical, ratio printed", () => {
      const out = path.join(path.dirname(project), 'out');
      const manifest = JSON.parse(readFileSync(path.join(out, 'manifest.json'), 'utf8'));
      expect(manifest.bmap.file).toBe('acme-classifier-pc.img.bmap');
      expect(manifest.rawImage.file).toBe('acme-classifier-pc.img');
      const card = path.join(dir, 'card.img');
      const r = runCli(['flash', '-c', project, '--device', card, '--target-file', '--yes', '--json'], { env });
      expect(r.stderr).toBe('');
      expect(r.exitCode).toBe(0);
      const result = JSON.parse(r.stdout) as {
        bytesWritten: number;
        imageSize: number;
        writtenRatio: number;
        verified: boolean;
      };
      expect(readFileSync(card).equals(readFileSync(path.join(out, 'acme-classifier-pc.img')))).toBe(true);
      expect(result.verified).toBe(true);
      expect(result.bytesWritten).toBeLessThanOrEqual(result.imageSize);
      console.log(
        `flash of the example image (stand-in ubuntu-image, sparse seed disk): bytes written / image size = ${result.bytesWritten}/${result.imageSize} = ${result.writtenRatio.toFixed(3)}`,
      );
    });

    it('skips every unchanged stage, with or without --resume', () => {
      for (const flags of [[], ['--resume']]) {
        const plan = runCli(['build', '-c', project, '--dry-run', ...flags], { env }).stdout;
        expect(plan.match(/ skip +unchanged$/gm)).toHaveLength(6);
      }
    });

    it('signed: snaps local with their store assertions are seeded; unasserted, channel overrides and extra snaps are refused first', async () => {
      const signed = path.join(dir, 'signed', 'coreforge.yaml');
      mkdirSync(path.dirname(signed), { recursive: true });
      writeFileSync(
        signed,
        readFileSync(project, 'utf8')
          .replace('grade: dangerous', 'grade: signed')
          .replace(/^snaps:\n(?: {2}.*\n| {4}.*\n)*/m, '')
          .replace('inference:\n', `inference:\n  snap-id: ${APP_ID}\n`) +
          `gadget:\n  base: ${standIn.pcGadget}\n  snap-id: ${GADGET_ID}\n`,
      );
      const v = runCli(['config', 'validate', signed], { env });
      expect(v.exitCode, v.stderr).toBe(0);
      const first = await build(signed, ['--until', 'build-image']);
      expect(first.exitCode, first.stderr).toBe(0);
      const out = path.join(path.dirname(signed), 'out');
      const gadget = path.join(
        out,
        readdirSync(out).find((f) => f.startsWith('acme-pc_') && f.endsWith('.snap'))!,
      );
      const app = path.join(out, 'classifier_0.1.0_amd64.snap');
      const model = path.join(out, 'acme-classifier-pc.model');
      // The brand gadget carries the service defaults for the inference snap's id.
      const gadgetYaml = parse(
        execFileSync('unsquashfs', ['-cat', gadget, 'meta/gadget.yaml'], { encoding: 'utf8' }),
      ) as { defaults: Record<string, unknown> };
      expect(gadgetYaml.defaults).toEqual({ [APP_ID]: { port: '8080', bind: '0.0.0.0', threads: '1' } });
      // "Released" brand gadget: its assertions from the test store, in the .assert snap download writes beside it.
      writeFileSync(
        gadget.replace(/\.snap$/, '.assert'),
        standIn.store.publish(gadget, 'acme-pc', { id: GADGET_ID, publisher: 'acme', revision: 5, serve: false }),
      );
      const extra = packSnapTree(standInApp('htop'));
      const refusals: [string, string[], string[], string][] = [
        [
          'an unasserted local inference snap',
          [],
          ['--snap', gadget, '--snap', app],
          `cannot build the image: the local snap "${app}" has no store assertions: ${SNAPD_SIGNED_REFUSAL}`,
        ],
      ];
      const check = async (rows: typeof refusals) => {
        for (const [what, flags, inputs, ours] of rows) {
          const before = calls();
          const r = await build(signed, ['--resume', ...flags]);
          expect([what, r.exitCode, errorLine(r.stderr)]).toEqual([what, 1, `error: ${ours}`]);
          expect(r.stderr).toMatch(/^hint: /m);
          expect(calls(), `${what}: ubuntu-image must not run`).toBe(before);
          expect([what, oracleOn(['snap', ...inputs, model]).result]).toEqual([what, SNAPD_SIGNED_REFUSAL]);
        }
      };
      await check(refusals);
      // "Released" inference snap too; now only channel overrides and extra snaps are refused.
      writeFileSync(
        app.replace(/\.snap$/, '.assert'),
        standIn.store.publish(app, 'classifier', { id: APP_ID, publisher: 'acme', revision: 7, serve: false }),
      );
      await check([
        [
          'a channel override',
          ['--channel', 'edge'],
          ['--snap', gadget, '--snap', app, '--channel', 'edge'],
          `cannot build the image: channel override "edge" for grade "signed": ${SNAPD_SIGNED_REFUSAL}`,
        ],
        [
          'an extra snap',
          ['--snap', extra],
          ['--snap', gadget, '--snap', app, '--snap', extra],
          `cannot build the image: "htop" (${extra}) is not a snap of the model: ${SNAPD_SIGNED_REFUSAL}`,
        ],
      ]);
      const r = await build(signed, ['--resume']);
      expect(r.exitCode, r.stderr).toBe(0);
      expect(lastCall().slice(lastCall()[3] === '--workdir' ? 5 : 3)).toEqual(['--snap', gadget, '--snap', app, model]);
      execFileSync('xz', ['-dkf', path.join(out, 'acme-classifier-pc.img.xz')]);
      const seed = seedOf(path.join(out, 'acme-classifier-pc.img'), path.join(dir, 'seed-signed'));
      expect(seed).toMatchObject({ result: 'ok', readBack: 'ok', grade: 'signed' });
      expect(seed.snaps!.map((s) => [s.name, s.id, s.revision])).toEqual([
        ['snapd', 'PMrrV4ml8uWuEUDBT8dSGnKUYbevVhc4', 3],
        ['pc-kernel', 'pYVQrBcKmBa0mZ4CCN7ExT6jH8rY1hza', 1],
        ['core24', 'dwTAh7MZZ01zyriOZErqd1JynQLiOGvM', 2],
        ['acme-pc', GADGET_ID, 5],
        ['classifier', APP_ID, 7],
      ]);
      // The model names the brand gadget, and a rebuild with nothing changed keeps the model's revision.
      expect(runCli(['model', 'show', model], { env }).stdout).toMatch(
        /acme-pc\s+gadget\s+latest\/stable\s+acmegadget/,
      );
    });

    it('checks tools before the first stage and says how to install them', () => {
      const r = runCli(['build', '-c', project], { env: { ...env, PATH: '/usr/bin:/bin' } });
      expect(r.exitCode).toBe(1);
      expect(r.stderr).toContain('error: cannot build: missing tool "ubuntu-image"');
      expect(r.stderr).toContain('hint: ubuntu-image: sudo snap install ubuntu-image --classic');
    });
  },
);
