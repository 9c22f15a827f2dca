// The seed oracle itself (snapd 2.57's seedwriter + seed reader, test/oracles/seed): what it accepts and refuses
// for the inputs ubuntu-image is given, with snapd's own messages. These verdicts are the judge the build and the
// stand-in ubuntu-image are held to.
import { generateKeyPairSync } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { referenceLayout, renderGadgetYaml } from '@coreforge/gadget';
import {
  encodePublicKey,
  rsaPublic,
  signingKeyFromPem,
  signModel,
  type Grade,
  type ModelSpec,
  type SigningKey,
} from '@coreforge/model-assertions';
import {
  buildSeedOracle,
  packSnapTree,
  runSeedOracle,
  seedSkipReason,
  standInApp,
  standInBase,
  standInGadget,
  standInKernel,
  standInSnapd,
  TestStore,
  type SeedRequest,
  UC16_PC_GADGET_YAML,
} from '../helpers/seed-store.js';

const oracle = buildSeedOracle();
const skip = seedSkipReason(oracle);
const IDS = {
  pc: 'UqFziVZDHLSyO3TqSWgNBoAdHbLI4dAH',
  'pc-kernel': 'pYVQrBcKmBa0mZ4CCN7ExT6jH8rY1hza',
  core24: 'dwTAh7MZZ01zyriOZErqd1JynQLiOGvM',
  snapd: 'PMrrV4ml8uWuEUDBT8dSGnKUYbevVhc4',
  classifier: 'c1assifierc1assifierc1assifier00',
};

const dir = mkdtempSync(path.join(tmpdir(), 'coreforge-seed-oracle-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
let key: SigningKey;
let store: TestStore;
const snaps: Record<string, string> = {};

function model(grade: Grade, extra: Partial<ModelSpec> = {}, file = `model-${grade}.model`): string {
  const ids = grade !== 'dangerous';
  const s = (name: keyof typeof IDS, type: 'gadget' | 'kernel' | 'base' | 'snapd' | 'app', defaultChannel: string) => ({
    name,
    type,
    defaultChannel,
    ...((ids || name !== 'classifier') && { id: IDS[name] }),
  });
  const spec: ModelSpec = {
    brandId: 'acme',
    model: 'acme-classifier-pc',
    displayName: 'Acme Classifier',
    architecture: 'amd64',
    base: 'core24',
    grade,
    snaps: [
      s('pc', 'gadget', '24/stable'),
      s('pc-kernel', 'kernel', '24/stable'),
      s('core24', 'base', 'latest/stable'),
      s('snapd', 'snapd', 'latest/stable'),
      s('classifier', 'app', 'latest/stable'),
    ],
    timestamp: new Date('2026-12-01T00:00:00Z'),
    ...extra,
  };
  const f = path.join(dir, file);
  writeFileSync(f, signModel(spec, key));
  return f;
}

const judge = (reqs: SeedRequest[]) =>
  runSeedOracle(
    (oracle as { binary: string }).binary,
    reqs.map((r) => ({ storeDir: store.dir, label: '20261201', ...r })),
  );
const SIGNED_REFUSAL =
  'cannot override channels, add devmode snaps, local snaps, or extra snaps with a model of grade higher than dangerous';

beforeAll(() => {
  if (skip) return;
  const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 4096 });
  key = signingKeyFromPem(privateKey.export({ type: 'pkcs8', format: 'pem' }).toString());
  store = new TestStore(path.join(dir, 'store'), (oracle as { binary: string }).binary);
  store.addBrand('acme', encodePublicKey(rsaPublic(publicKey)));
  snaps.kernel = packSnapTree(standInKernel());
  snaps.core24 = packSnapTree(standInBase());
  snaps.snapd = packSnapTree(standInSnapd());
  snaps.gadget = packSnapTree(standInGadget(renderGadgetYaml(referenceLayout('pc-amd64'))));
  snaps.app = packSnapTree(standInApp('classifier'));
  snaps.extra = packSnapTree(standInApp('htop'));
  snaps.uc16 = packSnapTree(standInGadget(UC16_PC_GADGET_YAML));
  snaps.core22Gadget = packSnapTree(standInGadget(renderGadgetYaml(referenceLayout('pc-amd64')), { base: 'core22' }));
  snaps.core22App = packSnapTree(standInApp('classifier', 'core22'));
  store.publish(snaps.kernel, 'pc-kernel', { id: IDS['pc-kernel'], publisher: 'canonical', revision: 1 });
  store.publish(snaps.core24, 'core24', { id: IDS.core24, publisher: 'canonical', revision: 2 });
  store.publish(snaps.snapd, 'snapd', { id: IDS.snapd, publisher: 'canonical', revision: 3 });
  store.publish(snaps.gadget, 'pc', { id: IDS.pc, publisher: 'canonical', revision: 4 });
}, 300_000);

describe.skipIf(skip !== undefined)(`snapd seed writer oracle${skip ? ` (skipped: ${skip})` : ''}`, () => {
  it('seeds a dangerous model with a local unasserted app, and snapd reads the seed back', () => {
    const [v] = judge([{ model: model('dangerous'), snaps: [{ path: snaps.app! }] }]);
    expect(v).toMatchObject({
      result: 'ok',
      readBack: 'ok',
      model: 'acme-classifier-pc',
      grade: 'dangerous',
      label: '20261201',
    });
    expect(v!.snaps!.map((s) => [s.name, s.revision, s.path])).toEqual([
      ['snapd', 3, 'snaps/snapd_3.snap'],
      ['pc-kernel', 1, 'snaps/pc-kernel_1.snap'],
      ['core24', 2, 'snaps/core24_2.snap'],
      ['pc', 4, 'snaps/pc_4.snap'],
      ['classifier', 0, 'systems/20261201/snaps/classifier_0.1.snap'],
    ]);
    expect(v!.warnings.join('\n')).toContain(
      '"classifier" installed from local snaps disconnected from a store cannot be refreshed subsequently!',
    );
  });

  it('seeds a signed model whose app is local with its store assertions (the rule is "unasserted", not "local")', () => {
    const local = path.join(dir, 'asserted', 'classifier_7.snap');
    rmSync(path.dirname(local), { recursive: true, force: true });
    store.publish(snaps.app!, 'classifier', { id: IDS.classifier, publisher: 'acme', revision: 7, serve: false });
    try {
      const [v] = judge([{ model: model('signed'), snaps: [{ path: snaps.app! }] }]);
      expect(v).toMatchObject({ result: 'ok', readBack: 'ok', grade: 'signed' });
      expect(v!.snaps!.find((s) => s.name === 'classifier')).toMatchObject({
        id: IDS.classifier,
        revision: 7,
        path: 'snaps/classifier_7.snap',
      });
    } finally {
      rmSync(path.join(store.asserts, 'classifier.assert'));
    }
  });

  it("refuses what snapd refuses, with snapd's messages", () => {
    const signed = model('signed');
    const cases: [string, SeedRequest, string][] = [
      ['signed + unasserted local app', { model: signed, snaps: [{ path: snaps.app! }] }, SIGNED_REFUSAL],
      ['signed + channel override', { model: signed, snaps: [], channel: 'edge' }, SIGNED_REFUSAL],
      ['signed + --snap NAME=channel', { model: signed, snaps: [{ name: 'pc', channel: 'edge' }] }, SIGNED_REFUSAL],
      ['signed + extra snap', { model: signed, snaps: [{ path: snaps.extra! }] }, SIGNED_REFUSAL],
      [
        'gadget with a UC16 layout',
        { model: model('dangerous'), snaps: [{ path: snaps.uc16! }, { path: snaps.app! }] },
        'model requires system-seed partition, but no system-seed or system-data partition found',
      ],
      [
        'gadget base differs from the model base',
        { model: model('dangerous'), snaps: [{ path: snaps.core22Gadget! }, { path: snaps.app! }] },
        'cannot use gadget snap because its base "core22" is different from model base "core24"',
      ],
      [
        'app whose base is not in the model',
        { model: model('dangerous'), snaps: [{ path: snaps.core22App! }] },
        'cannot add snap "classifier" without also adding its base "core22" explicitly',
      ],
      [
        'a model snap missing from the inputs and the store',
        { model: model('dangerous'), snaps: [] },
        'snap "classifier" (channel latest/stable) is not in the store',
      ],
    ];
    const verdicts = judge(cases.map(([, r]) => r));
    expect(verdicts.map((v, i) => [cases[i]![0], v.result])).toEqual(cases.map(([name, , msg]) => [name, msg]));
  });
});
