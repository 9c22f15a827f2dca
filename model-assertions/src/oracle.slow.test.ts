// Our model assertions judged by snapd itself (Debian's snapd Go packages, built into test/oracles/assertions).
import { spawnSync } from 'node:child_process';
import { generateKeyPairSync } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildGoOracle, runOracle } from '../../test/helpers/go-oracle.js';
import { encodeHeaders, splitAssertion } from './codec.js';
import { ModelAssertionError } from './errors.js';
import { modelHeaders, orderModelHeaders, parseModel, type Grade, type ModelSpec } from './model.js';
import { encodePublicKey, rsaPublic } from './openpgp.js';
import { signingKeyFromPem, signModel, verifyModel, type SigningKey } from './sign.js';

interface Verdict {
  decode: string;
  verify: string;
}

const oracle = buildGoOracle('assertions');
const judge = (reqs: { model: string; publicKey: string }[]) =>
  runOracle<Verdict[]>((oracle as { binary: string }).binary, reqs);

function spec(target: 'pc-amd64' | 'pi-arm64', grade: Grade): ModelSpec {
  const pc = target === 'pc-amd64';
  const ids = grade !== 'dangerous';
  const snap = (name: string, type: 'gadget' | 'kernel' | 'base' | 'snapd' | 'app', channel: string, id: string) => ({
    name,
    type,
    defaultChannel: channel,
    ...(ids && { id }),
  });
  return {
    brandId: 'acme',
    model: `acme-classifier-${pc ? 'pc' : 'pi'}`,
    displayName: 'Acme Classifier',
    architecture: pc ? 'amd64' : 'arm64',
    base: 'core24',
    grade,
    snaps: [
      pc
        ? snap('pc', 'gadget', '24/stable', 'UqFziVZDHLSyO3TqSWgNBoAdHbLI4dAH')
        : snap('pi', 'gadget', '24/stable', 'YbGa9O3dAXl88YLI6Y1bGG74pwBxZyKg'),
      pc
        ? snap('pc-kernel', 'kernel', '24/stable', 'pYVQrBcKmBa0mZ4CCN7ExT6jH8rY1hza')
        : snap('pi-kernel', 'kernel', '24/stable', 'jeIuP6tfFrvAdic8DMWqHmoaoukAPNbJ'),
      snap('core24', 'base', 'latest/stable', 'dwTAh7MZZ01zyriOZErqd1JynQLiOGvM'),
      snap('snapd', 'snapd', 'latest/stable', 'PMrrV4ml8uWuEUDBT8dSGnKUYbevVhc4'),
      snap('classifier', 'app', 'latest/stable', 'aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa'),
    ],
    timestamp: new Date('2026-11-24T12:00:00Z'),
  };
}

let key: SigningKey;
let publicKey: string;
beforeAll(() => {
  const { privateKey, publicKey: pub } = generateKeyPairSync('rsa', { modulusLength: 4096 });
  key = signingKeyFromPem(privateKey.export({ type: 'pkcs8', format: 'pem' }).toString());
  publicKey = encodePublicKey(rsaPublic(pub));
});

describe.skipIf(!oracle.ok)(
  `snapd oracle${oracle.ok ? '' : ` (skipped: ${(oracle as { reason: string }).reason})`}`,
  () => {
    const cases = (['pc-amd64', 'pi-arm64'] as const).flatMap((t) =>
      (['dangerous', 'signed', 'secured'] as const).map((g) => [t, g] as const),
    );

    it('accepts our signed models for both targets and all three grades (decode + signature)', () => {
      const models = cases.map(([t, g]) => signModel(spec(t, g), key));
      const verdicts = judge(models.map((model) => ({ model, publicKey })));
      expect(verdicts).toEqual(cases.map(() => ({ decode: 'ok', verify: 'ok' })));
      for (const m of models) expect(verifyModel(m, publicKey).brandId).toBe('acme');
    });

    it('rejects a one-byte change anywhere, and so do we', () => {
      const model = signModel(spec('pc-amd64', 'signed'), key);
      // Every 9th byte, plus the first and the last of the content; not the last 3 signature characters,
      // whose low bits base64 decoders ignore.
      const { content } = splitAssertion(model);
      const positions = new Set([0, content.length - 1, content.length, content.length + 1]);
      for (let i = 0; i < model.length - 4; i += 9) positions.add(i);
      const mutated = [...positions].map(
        (i) => model.slice(0, i) + (model[i] === 'A' ? 'B' : model[i] === '\n' ? ' ' : 'A') + model.slice(i + 1),
      );
      const verdicts = judge(mutated.map((m) => ({ model: m, publicKey })));
      const ours = mutated.map((m) => {
        try {
          verifyModel(m, publicKey);
          return 'ok';
        } catch (e) {
          return (e as ModelAssertionError).code;
        }
      });
      verdicts.forEach((v, i) => {
        expect(v.decode === 'ok' && v.verify === 'ok', `oracle accepted a change at byte ${[...positions][i]}`).toBe(
          false,
        );
        expect(
          ours[i],
          `we accepted a change at byte ${[...positions][i]} (content ${content.length} bytes, text ${model.length}): ${JSON.stringify(model.slice([...positions][i]! - 5, [...positions][i]! + 5))}`,
        ).not.toBe('ok');
      });
      expect(mutated.length).toBeGreaterThan(150);
    });

    // One header changed per row: our accept/reject must equal snapd's, and our message is asserted.
    const ROWS: readonly (readonly [string, string, string | null])[] = [
      ['grade: signed', 'grade: dangerous', null],
      ['grade: signed', 'grade: secured', null],
      ['grade: signed', 'grade: insecure', 'grade for model must be secured|signed|dangerous, not "insecure"'],
      ['grade: signed\n', '', null],
      ['grade: signed', 'grade: signed\nstorage-safety: prefer-unencrypted', null],
      [
        'grade: signed',
        'grade: secured\nstorage-safety: prefer-encrypted',
        'secured grade model must not have storage-safety overridden, only "encrypted" is valid',
      ],
      ['grade: signed', 'grade: secured\nstorage-safety: encrypted', null],
      [
        'grade: signed',
        'grade: signed\nstorage-safety: maybe',
        'storage-safety for model must be prefer-unencrypted|prefer-encrypted|encrypted, not "maybe"',
      ],
      ['model: acme-classifier-pc', 'model: Acme-Classifier-pc', '"model" header cannot contain uppercase letters'],
      [
        'model: acme-classifier-pc',
        'model: acme_classifier',
        '"model" header contains invalid characters: "acme_classifier"',
      ],
      ['model: acme-classifier-pc', 'model: -acme', '"model" header contains invalid characters: "-acme"'],
      ['model: acme-classifier-pc\n', '', '"model" header is mandatory'],
      ['architecture: amd64\n', '', '"architecture" header is mandatory'],
      ['base: core24\n', '', '"base" header is mandatory'],
      ['base: core24', 'base: core22', null],
      [
        'base: core24',
        'base: mybase',
        'cannot specify not well-known base "mybase" without a corresponding "snaps" header entry',
      ],
      [
        'authority-id: acme',
        'authority-id: other',
        'authority-id and brand-id must match, model assertions are expected to be signed by the brand: "other" != "acme"',
      ],
      ['brand-id: acme', 'brand-id: ACME_corp', 'invalid "brand-id" header: "ACME_corp"'],
      ['series: 16', 'series: 18', null],
      ['series: 16\n', '', '"series" header is mandatory'],
      [
        'timestamp: 2026-11-24T12:00:00Z',
        'timestamp: 2026-11-24',
        '"timestamp" header is not a RFC3339 date: parsing time "2026-11-24"',
      ],
      ['timestamp: 2026-11-24T12:00:00Z', 'timestamp: 2026-11-24T12:00:00+01:00', null],
      ['display-name: Acme Classifier', 'display-name: Acme Kläs', null],
      ['display-name: Acme Classifier\n', '', null],
      ['    name: pc\n', '    name: PC\n', 'invalid snap name "PC"'],
      ['    name: pc\n', '    name: p\n', 'invalid snap name "p"'],
      ['    name: pc\n', '    name: pc-kernel\n', 'cannot list the same snap "pc-kernel" multiple times'],
      ['    id: UqFziVZDHLSyO3TqSWgNBoAdHbLI4dAH\n', '', '"id" of snap "pc" is mandatory for signed grade model'],
      [
        '    id: UqFziVZDHLSyO3TqSWgNBoAdHbLI4dAH\n',
        '    id: short\n',
        '"id" of snap "pc" contains invalid characters: "short"',
      ],
      ['    type: gadget', '    type: kernel', 'cannot specify multiple kernel snaps: "pc" and "pc-kernel"'],
      ['    type: gadget', '    type: app', 'one "snaps" header entry must specify the model gadget'],
      [
        '    type: gadget',
        '    type: widget',
        'type of snap "pc" must be app|base|gadget|kernel|core|snapd, not "widget"',
      ],
      ['    type: kernel', '    type: app', 'one "snaps" header entry must specify the model kernel'],
      ['    type: base', '    type: app', 'boot base "core24" must specify type "base", not "app"'],
      ['    type: snapd', '    type: app', null],
      [
        '    default-channel: 24/stable\n    id: UqFz',
        '    default-channel: stable\n    id: UqFz',
        'default channel for snap "pc" must specify a track',
      ],
      ['    default-channel: 24/stable\n    id: UqFz', '    default-channel: 24/edge\n    id: UqFz', null],
      ['    default-channel: 24/stable\n    id: UqFz', '    default-channel: 24/stable/fix-1\n    id: UqFz', null],
      [
        '    default-channel: 24/stable\n    id: UqFz',
        '    default-channel: 24/wobbly\n    id: UqFz',
        'invalid default channel for snap "pc": invalid risk in channel name: 24/wobbly',
      ],
      ['    name: classifier\n', '    name: classifier\n    presence: optional\n', null],
      [
        '    name: classifier\n',
        '    name: classifier\n    presence: maybe\n',
        'presence of snap "classifier" must be required|optional, not "maybe"',
      ],
      [
        '    name: pc\n',
        '    name: pc\n    presence: optional\n',
        'essential snaps are always available, cannot specify modes or presence for snap "pc"',
      ],
      ['    name: classifier\n', '    modes:\n      - run\n      - install\n    name: classifier\n', null],
      ['snaps:\n', 'serial-authority:\n  - acme\nsnaps:\n', null],
      ['snaps:\n', 'serial-authority: acme\nsnaps:\n', '"serial-authority" header must be a list of account ids'],
      ['snaps:\n', 'snaps:\n  - just-a-string\n', '"snaps" header must be a list of maps'],
      ['snaps:\n', 'system-user-authority: *\nsnaps:\n', null],
    ];

    it(`agrees with snapd on ${ROWS.length} single-header changes, with exact messages`, () => {
      expect(ROWS.length).toBeGreaterThanOrEqual(40);
      const base = signModel(spec('pc-amd64', 'signed'), key);
      const { content, signature } = splitAssertion(base);
      const texts = ROWS.map(([find, replace]) => {
        if (!content.includes(find)) throw new Error(`row "${find}" does not match the model`);
        return `${content.replace(find, replace)}\n\n${signature}\n`;
      });
      const verdicts = judge(texts.map((model) => ({ model, publicKey: '' })));
      const ours = texts.map((t) => {
        try {
          parseModel(splitAssertion(t).headers);
          return null;
        } catch (e) {
          return (e as Error).message;
        }
      });
      const table = ROWS.map(([, replace], i) => ({
        row: i,
        replace,
        snapd: verdicts[i]!.decode === 'ok' ? 'accept' : `reject: ${verdicts[i]!.decode}`,
        ours: ours[i],
      }));
      for (const r of table)
        expect(
          r.ours === null,
          `row ${r.row} (${JSON.stringify(r.replace)}): snapd says ${r.snapd}, we say ${r.ours ?? 'accept'}`,
        ).toBe(r.snapd === 'accept');
      expect(ours).toEqual(ROWS.map(([, , message]) => message));
    });
  },
);

describe.skipIf(
  spawnSync('snap', ['pack', '--help']).error !== undefined || spawnSync('gpg', ['--version']).error !== undefined,
)("parity with Debian's snap sign", () => {
  let home: string;
  beforeAll(() => {
    home = mkdtempSync(path.join(tmpdir(), 'coreforge-gpg-'));
  });
  afterAll(() => rmSync(home, { recursive: true, force: true }));

  it('encodes the same header bytes, and we verify what snap sign signed', () => {
    const env = { ...process.env, SNAP_GNUPG_HOME: home, GNUPGHOME: home };
    const gen = spawnSync(
      'gpg',
      [
        '--homedir',
        home,
        '--batch',
        '--pinentry-mode',
        'loopback',
        '--passphrase',
        '',
        '--quick-gen-key',
        'parity-key',
        'rsa4096',
        'sign',
        'never',
      ],
      { env, encoding: 'utf8' },
    );
    expect(gen.status, gen.stderr).toBe(0);
    const headers = modelHeaders(spec('pi-arm64', 'signed'));
    const signed = spawnSync('snap', ['sign', '-k', 'parity-key'], {
      env,
      input: JSON.stringify(headers),
      encoding: 'utf8',
      timeout: 120_000,
    });
    expect(signed.status, signed.stderr).toBe(0);
    const exported = spawnSync('snap', ['export-key', '--account=acme', 'parity-key'], {
      env,
      encoding: 'utf8',
      timeout: 60_000,
    });
    expect(exported.status, exported.stderr).toBe(0);
    const gpgPublicKey = splitAssertion(exported.stdout).body;
    const theirs = splitAssertion(signed.stdout);
    const model = verifyModel(signed.stdout, gpgPublicKey);
    expect(model.model).toBe('acme-classifier-pi');
    // Our encoding of the same headers, with snap sign's key id, is byte for byte theirs.
    const ours = encodeHeaders(orderModelHeaders({ ...headers, 'sign-key-sha3-384': model.signKeySha3384 }));
    expect(ours).toBe(theirs.content);
  });
});
