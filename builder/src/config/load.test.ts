import { MAX_LABELS_BYTES, MAX_MODEL_BYTES } from '@coreforge/runtime/limits';
import { mkdtempSync, rmSync, writeFileSync, chmodSync, mkdirSync, truncateSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BuilderError } from '../errors.js';
import { formatProblems, loadProjectConfig, validateProjectFile } from './load.js';

const GOLDEN = `name: classifier
target: pc-amd64
brand: acme
model: acme-classifier
display-name: Acme Classifier
grade: dangerous
snaps:
  - name: network-manager
    channel: 24/stable
inference:
  model: model.tflite
  labels: labels.txt
  port: 8080
  threads: 2
signing:
  key: acme-dev
output: out
image:
  compression: xz
`;

let dir: string;
const FILE = 'coreforge.yaml';

beforeAll(() => {
  dir = mkdtempSync(path.join(tmpdir(), 'coreforge-config-'));
  // Not a real model: just the 8-byte flatbuffer header the loader checks ("TFL3" at byte 4).
  writeFileSync(path.join(dir, 'model.tflite'), Buffer.from([0x1c, 0, 0, 0, 0x54, 0x46, 0x4c, 0x33, 0, 0]));
  writeFileSync(path.join(dir, 'tpu.tflite'), Buffer.from([0x1c, 0, 0, 0, 0x54, 0x46, 0x4c, 0x33, 0, 0]));
  writeFileSync(path.join(dir, 'notamodel.tflite'), 'hello world');
  writeFileSync(path.join(dir, 'labels.txt'), 'background\ncat\n');
  writeFileSync(path.join(dir, 'user-data'), '#cloud-config\n');
  mkdirSync(path.join(dir, 'afolder'));
  // Sparse, one byte over what the device's runtime loads (no disk used); the model keeps its TFL3 header.
  writeFileSync(path.join(dir, 'huge.tflite'), Buffer.from([0x1c, 0, 0, 0, 0x54, 0x46, 0x4c, 0x33, 0, 0]));
  truncateSync(path.join(dir, 'huge.tflite'), MAX_MODEL_BYTES + 1);
  writeFileSync(path.join(dir, 'huge-labels.txt'), '');
  truncateSync(path.join(dir, 'huge-labels.txt'), MAX_LABELS_BYTES + 1);
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

async function check(text: string, env: Record<string, string> = {}) {
  const file = path.join(dir, FILE);
  writeFileSync(file, text);
  chmodSync(file, 0o644);
  const report = await validateProjectFile(file, { env });
  return {
    report,
    errors: report.ok ? '' : formatProblems(FILE, report.errors),
    warnings: formatProblems(FILE, report.warnings),
  };
}

function mutate(find: string, replace: string): string {
  if (!GOLDEN.includes(find)) throw new Error(`golden does not contain ${JSON.stringify(find)}`);
  return GOLDEN.replace(find, replace);
}

describe('valid project file', () => {
  it('loads the golden file with defaults applied and paths resolved', async () => {
    const { report, errors, warnings } = await check(GOLDEN);
    expect(errors).toBe('');
    expect(warnings).toBe('');
    expect(report.ok).toBe(true);
    if (!report.ok) return;
    const c = report.config;
    expect(c.arch).toBe('amd64');
    expect(c.storageSafety).toBe('prefer-encrypted');
    expect(c.inference).toMatchObject({
      snapName: 'classifier',
      model: path.join(dir, 'model.tflite'),
      labels: path.join(dir, 'labels.txt'),
      accelerator: 'none',
      edgetpuRuntime: 'std',
      coralAccess: 'raw-usb',
      port: 8080,
      bind: '0.0.0.0',
      threads: 2,
      topK: 5,
      compression: 'xz',
    });
    expect(c.snaps).toEqual([{ name: 'network-manager', type: 'app', channel: '24/stable' }]);
    expect(c.output).toBe(path.join(dir, 'out'));
    expect(c.signing).toEqual({ key: 'acme-dev', backend: 'coreforge' });
    expect(c.gadget).toEqual({ kernelCmdline: { append: [], allow: [] }, partitions: [], snapName: 'acme-pc' });
    expect(c.validationSets).toEqual([]);
  });

  it('defaults storage-safety to encrypted for secured models', async () => {
    const { report } = await check(
      mutate('grade: dangerous', 'grade: secured')
        .replace('channel: 24/stable', 'channel: 24/stable\n    id: RmBXKl6HO6YOC2DE4G2q1JzWImC04EUy')
        .replace('inference:\n', 'inference:\n  snap-id: aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa\n') +
        'gadget:\n  snap-id: bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb\n',
    );
    expect(report.ok && report.config.storageSafety).toBe('encrypted');
  });

  it('expands ${VAR} and ${VAR:-default} in paths', async () => {
    const text = mutate('model: model.tflite', 'model: ${MODELS:-nowhere}/model.tflite').replace(
      'labels: labels.txt',
      'labels: ${LABELS_DIR:-.}/labels.txt',
    );
    const { report } = await check(text, { MODELS: dir });
    expect(report.ok && report.config.inference.model).toBe(path.join(dir, 'model.tflite'));
    expect(report.ok && report.config.inference.labels).toBe(path.join(dir, 'labels.txt'));
  });
});

// Mutation table (snapd asserts/model_test.go TestDecodeInvalid style): one golden file, one change per row,
// the exact report expected. Every row is an error; none may throw.
const MUTATIONS: readonly (readonly [string, string, string])[] = [
  // schema: unknown keys and misspellings
  [
    'model: acme-classifier',
    'modle: acme-classifier',
    `coreforge.yaml:1:1: missing required key "model"
coreforge.yaml:4:1: modle: unknown key (did you mean "model"?); expected one of: name, target, brand, model, display-name, grade, storage-safety, base, snaps, inference, release, gadget, validation-sets, signing, output, image`,
  ],
  [
    '  threads: 2',
    '  thread: 2',
    'coreforge.yaml:14:3: inference.thread: unknown key (did you mean "threads"?); expected one of: snap-name, snap-id, model, edgetpu-model, labels, accelerator, edgetpu-runtime, coral-access, port, bind, threads, top-k, compression, tflite, version, coral-apt-key',
  ],
  [
    '  labels: labels.txt',
    '  label: labels.txt',
    `coreforge.yaml:11:3: inference: missing required key "labels"
coreforge.yaml:12:3: inference.label: unknown key (did you mean "labels"?); expected one of: snap-name, snap-id, model, edgetpu-model, labels, accelerator, edgetpu-runtime, coral-access, port, bind, threads, top-k, compression, tflite, version, coral-apt-key`,
  ],
  [
    '    channel: 24/stable',
    '    chanel: 24/stable',
    'coreforge.yaml:9:5: snaps[0].chanel: unknown key (did you mean "channel"?); expected one of: name, id, type, channel, presence, modes',
  ],
  [
    'output: out',
    'outputs: out',
    'coreforge.yaml:17:1: outputs: unknown key (did you mean "output"?); expected one of: name, target, brand, model, display-name, grade, storage-safety, base, snaps, inference, release, gadget, validation-sets, signing, output, image',
  ],
  [
    'image:\n  compression: xz',
    'image:\n  compresion: xz',
    'coreforge.yaml:19:3: image.compresion: unknown key (did you mean "compression"?); expected one of: size, compression',
  ],
  [
    'signing:\n  key: acme-dev',
    'signing:\n  keyname: acme-dev',
    'coreforge.yaml:16:3: signing.keyname: unknown key; expected one of: key, backend',
  ],
  [
    'grade: dangerous',
    'grade: dangerous\nfoo: bar',
    'coreforge.yaml:7:1: foo: unknown key; expected one of: name, target, brand, model, display-name, grade, storage-safety, base, snaps, inference, release, gadget, validation-sets, signing, output, image',
  ],
  // schema: missing required
  ['target: pc-amd64\n', '', 'coreforge.yaml:1:1: missing required key "target"'],
  ['brand: acme\n', '', 'coreforge.yaml:1:1: missing required key "brand"'],
  ['  model: model.tflite\n', '', 'coreforge.yaml:11:3: inference: missing required key "model"'],
  [
    '    channel: 24/stable',
    '    channel: 24/stable\n  - channel: latest/stable',
    'coreforge.yaml:10:5: snaps[1]: missing required key "name"',
  ],
  // schema: wrong types
  ['  threads: 2', '  threads: two', 'coreforge.yaml:14:12: inference.threads: expected an integer, found "two"'],
  ['  port: 8080', '  port: "8080"', 'coreforge.yaml:13:9: inference.port: expected an integer, found "8080"'],
  ['  threads: 2', '  threads: 1.5', 'coreforge.yaml:14:12: inference.threads: expected an integer, found 1.5'],
  ['name: classifier', 'name: [classifier]', 'coreforge.yaml:1:7: name: expected a string, found a list'],
  [
    'snaps:\n  - name: network-manager\n    channel: 24/stable',
    'snaps:\n  name: network-manager',
    'coreforge.yaml:8:3: snaps: expected a list, found a map',
  ],
  [
    'inference:\n',
    'inference: yes\nunused:\n',
    `coreforge.yaml:10:12: inference: expected a map, found "yes"
coreforge.yaml:11:1: unused: unknown key; expected one of: name, target, brand, model, display-name, grade, storage-safety, base, snaps, inference, release, gadget, validation-sets, signing, output, image`,
  ],
  // schema: bad enums
  ['target: pc-amd64', 'target: pc', 'coreforge.yaml:2:9: target: expected one of pc-amd64|pi-arm64, found "pc"'],
  [
    'target: pc-amd64',
    'target: pi-arm46',
    'coreforge.yaml:2:9: target: expected one of pc-amd64|pi-arm64, found "pi-arm46" (did you mean "pi-arm64"?)',
  ],
  [
    'grade: dangerous',
    'grade: danger',
    'coreforge.yaml:6:8: grade: expected one of dangerous|signed|secured, found "danger" (did you mean "dangerous"?)',
  ],
  [
    'grade: dangerous',
    'grade: dangerous\nstorage-safety: encrypt',
    'coreforge.yaml:7:17: storage-safety: expected one of encrypted|prefer-encrypted|prefer-unencrypted, found "encrypt" (did you mean "encrypted"?)',
  ],
  [
    'grade: dangerous',
    'grade: dangerous\nbase: core22',
    'coreforge.yaml:7:7: base: expected one of core24, found "core22" (did you mean "core24"?)',
  ],
  [
    '  threads: 2',
    '  threads: 2\n  accelerator: coral',
    'coreforge.yaml:15:16: inference.accelerator: expected one of none|coral-usb|coral-pcie, found "coral"',
  ],
  [
    '  threads: 2',
    '  threads: 2\n  edgetpu-runtime: turbo',
    'coreforge.yaml:15:20: inference.edgetpu-runtime: expected one of std|max, found "turbo"',
  ],
  [
    '  threads: 2',
    '  threads: 2\n  compression: gzip',
    'coreforge.yaml:15:16: inference.compression: expected one of xz|lzo, found "gzip"',
  ],
  [
    '    channel: 24/stable',
    '    channel: 24/stable\n    type: kernel',
    'coreforge.yaml:10:11: snaps[0].type: expected one of app|base|core|snapd, found "kernel"',
  ],
  // schema: patterns, ranges
  [
    'name: classifier',
    'name: Classifier',
    'coreforge.yaml:1:7: name: expected a snap name: lowercase letters, digits and single dashes, with at least one letter, not starting or ending with a dash, found "Classifier"',
  ],
  [
    'name: classifier',
    'name: class--ifier',
    'coreforge.yaml:1:7: name: expected a snap name: lowercase letters, digits and single dashes, with at least one letter, not starting or ending with a dash, found "class--ifier"',
  ],
  [
    'name: classifier',
    'name: "1234"',
    'coreforge.yaml:1:7: name: expected a snap name: lowercase letters, digits and single dashes, with at least one letter, not starting or ending with a dash, found "1234"',
  ],
  [
    '  - name: network-manager',
    '  - name: network_manager',
    'coreforge.yaml:8:11: snaps[0].name: expected a snap name: lowercase letters, digits and single dashes, with at least one letter, not starting or ending with a dash, found "network_manager"',
  ],
  [
    'name: classifier',
    'name: a-very-long-project-name-that-is-over-forty',
    'coreforge.yaml:1:7: name: expected at most 40 characters, found 43',
  ],
  [
    'model: acme-classifier',
    'model: Acme-Classifier',
    'coreforge.yaml:4:8: model: expected a model name: lowercase letters, digits and single dashes (snapd refuses uppercase), found "Acme-Classifier"',
  ],
  [
    'brand: acme',
    'brand: acme_corp',
    'coreforge.yaml:3:8: brand: expected an account id: 32 letters and digits, or 2-28 lowercase letters, digits and dashes, found "acme_corp"',
  ],
  [
    '  port: 8080',
    '  port: 70000',
    'coreforge.yaml:13:9: inference.port: expected an integer from 1 to 65535, found 70000',
  ],
  [
    '  threads: 2',
    '  threads: 0',
    'coreforge.yaml:14:12: inference.threads: expected an integer from 1 to 64, found 0',
  ],
  [
    '    channel: 24/stable',
    '    channel: 24/stable\n    id: short',
    'coreforge.yaml:10:9: snaps[0].id: expected a snap id: exactly 32 letters and digits, found "short"',
  ],
  [
    'image:\n  compression: xz',
    'image:\n  size: 8GB',
    'coreforge.yaml:19:9: image.size: expected a size in bytes, or with an M or G suffix (8G, 3500M), found "8GB"',
  ],
  [
    '    channel: 24/stable',
    '    channel: 24/stable\n    modes: [run, run]',
    'coreforge.yaml:10:12: snaps[0].modes: expected no duplicates, found a list',
  ],
  // YAML syntax
  [
    '  threads: 2',
    '  threads: 2\n threads: 3',
    'coreforge.yaml:15:1: invalid YAML: All mapping items must start at the same column',
  ],
  ['grade: dangerous', 'grade: dangerous\ngrade: signed', 'coreforge.yaml:7:1: invalid YAML: Map keys must be unique'],
  // rules: Ubuntu Core semantics
  [
    'grade: dangerous',
    'grade: secured\nstorage-safety: prefer-encrypted',
    `coreforge.yaml:7:17: storage-safety: grade "secured" requires storage-safety "encrypted", found "prefer-encrypted"
coreforge.yaml:9:5: snaps[0].id: snap "network-manager" needs its store id for grade "secured" (find it with: snap info network-manager), or use grade "dangerous"
coreforge.yaml:12:3: inference.snap-id: the inference snap "classifier" needs its store id for grade "secured" (register it with: snapcraft register classifier), or use grade "dangerous"`,
  ],
  [
    'grade: dangerous',
    'grade: signed',
    `coreforge.yaml:8:5: snaps[0].id: snap "network-manager" needs its store id for grade "signed" (find it with: snap info network-manager), or use grade "dangerous"
coreforge.yaml:11:3: inference.snap-id: the inference snap "classifier" needs its store id for grade "signed" (register it with: snapcraft register classifier), or use grade "dangerous"`,
  ],
  [
    '    channel: 24/stable',
    '    channel: stable',
    'coreforge.yaml:9:14: snaps[0].channel: expected a channel track/risk[/branch] such as "latest/stable" or "24/edge", found "stable" (a model assertion needs a track: "latest/stable")',
  ],
  [
    '    channel: 24/stable',
    '    channel: 24/stabel',
    'coreforge.yaml:9:14: snaps[0].channel: expected a channel track/risk[/branch] such as "latest/stable" or "24/edge", found "24/stabel"',
  ],
  [
    '    channel: 24/stable',
    '    channel: latest/stable/',
    'coreforge.yaml:9:14: snaps[0].channel: expected a channel track/risk[/branch] such as "latest/stable" or "24/edge", found "latest/stable/"',
  ],
  [
    '    channel: 24/stable',
    '    channel: 24/stable\n    type: snapd\n    presence: optional',
    'coreforge.yaml:11:15: snaps[0].presence: presence cannot be set for snap "network-manager" of type "snapd" (only app snaps can be optional)',
  ],
  [
    '  - name: network-manager',
    '  - name: pc-kernel',
    'coreforge.yaml:8:11: snaps[0].name: snap "pc-kernel" is already in the model (coreforge adds it); remove it from snaps',
  ],
  [
    '  - name: network-manager',
    '  - name: classifier',
    'coreforge.yaml:8:11: snaps[0].name: snap "classifier" is already in the model (coreforge adds it); remove it from snaps',
  ],
  [
    '    channel: 24/stable',
    '    channel: 24/stable\n  - name: network-manager',
    'coreforge.yaml:10:11: snaps[1].name: snap "network-manager" is listed twice',
  ],
  [
    '  model: model.tflite',
    '  model: missing.tflite',
    `coreforge.yaml:11:10: inference.model: model file "${'<dir>'}/missing.tflite" does not exist`,
  ],
  [
    '  model: model.tflite',
    '  model: notamodel.tflite',
    `coreforge.yaml:11:10: inference.model: "${'<dir>'}/notamodel.tflite" is not a TensorFlow Lite model (no "TFL3" identifier at byte 4)`,
  ],
  [
    '  model: model.tflite',
    '  model: afolder',
    `coreforge.yaml:11:10: inference.model: model file "${'<dir>'}/afolder" is a folder, expected a file`,
  ],
  [
    '  model: model.tflite',
    '  model: huge.tflite',
    `coreforge.yaml:11:10: inference.model: model file "${'<dir>'}/huge.tflite" is 1073741825 bytes, more than the 1073741824 the device's runtime loads`,
  ],
  [
    '  labels: labels.txt',
    '  labels: huge-labels.txt',
    `coreforge.yaml:12:11: inference.labels: labels file "${'<dir>'}/huge-labels.txt" is 8388609 bytes, more than the 8388608 the device's runtime loads`,
  ],
  [
    '  labels: labels.txt',
    '  labels: nolabels.txt',
    `coreforge.yaml:12:11: inference.labels: labels file "${'<dir>'}/nolabels.txt" does not exist`,
  ],
  [
    '  model: model.tflite',
    '  model: ${NO_SUCH_VAR}/model.tflite',
    'coreforge.yaml:11:10: inference.model: environment variable "NO_SUCH_VAR" is not set (use ${NO_SUCH_VAR:-default} to give a default)',
  ],
  [
    '  threads: 2',
    '  threads: 2\n  bind: localhost',
    'coreforge.yaml:15:9: inference.bind: expected an IPv4 or IPv6 address such as "0.0.0.0" or "127.0.0.1", found "localhost"',
  ],
  [
    'grade: dangerous',
    'grade: signed\ngadget:\n  cloud-init: user-data',
    `coreforge.yaml:8:15: gadget.cloud-init: cloud-init in the gadget is honoured only for grade "dangerous", not "signed"
coreforge.yaml:10:5: snaps[0].id: snap "network-manager" needs its store id for grade "signed" (find it with: snap info network-manager), or use grade "dangerous"
coreforge.yaml:13:3: inference.snap-id: the inference snap "classifier" needs its store id for grade "signed" (register it with: snapcraft register classifier), or use grade "dangerous"`,
  ],
  [
    'target: pc-amd64',
    'target: pi-arm64\ngadget:\n  partitions:\n    - name: models\n      size: 2G',
    'coreforge.yaml:5:5: gadget.partitions: target "pi-arm64" uses an MBR disk whose four primary partitions are all taken (seed, boot, save, data); use pc-amd64 or no extra partitions',
  ],
  [
    'target: pc-amd64',
    'target: pc-amd64\ngadget:\n  partitions:\n    - name: ubuntu-data\n      size: 2G',
    'coreforge.yaml:5:13: gadget.partitions[0].name: partition name "ubuntu-data" is already used',
  ],
  // inference.tflite: a known version or a library file; 2.19 cannot drive a Coral
  [
    '  threads: 2',
    '  threads: 2\n  tflite: 2.14',
    'coreforge.yaml:15:11: inference.tflite: expected a TFLite version coreforge knows how to obtain ("2.19" or "2.9") or a path to libtensorflowlite_c.so, found 2.14',
  ],
  [
    '  threads: 2',
    '  threads: 2\n  tflite: latest',
    'coreforge.yaml:15:11: inference.tflite: expected a TFLite version coreforge knows how to obtain ("2.19" or "2.9") or a path to libtensorflowlite_c.so, found "latest"',
  ],
  [
    '  threads: 2',
    '  threads: 2\n  tflite: lib/libtensorflowlite_c.so',
    'coreforge.yaml:15:11: inference.tflite: TFLite library "<dir>/lib/libtensorflowlite_c.so" does not exist',
  ],
  [
    '  threads: 2',
    '  threads: 2\n  accelerator: coral-usb\n  edgetpu-model: tpu.tflite\n  tflite: "2.19"',
    'coreforge.yaml:17:11: inference.tflite: TFLite 2.19 cannot drive a Coral: libedgetpu 16.0 is built against TFLite 2.5 and crashes with 2.12 or newer; use "2.9" (the default with accelerator "coral-usb")',
  ],
  // whole-file shapes
  [GOLDEN, '', 'coreforge.yaml:1:1: expected a map of settings (name: ..., target: ...), found an empty file'],
  [
    GOLDEN,
    '- just\n- a list\n',
    'coreforge.yaml:1:1: expected a map of settings (name: ..., target: ...), found something else',
  ],
];

describe('mutation table: every broken project file gets the exact located message', () => {
  it.each(MUTATIONS.map(([find, replace, expected], i) => ({ i, find, replace, expected })))(
    'row $i: $replace',
    async ({ find, replace, expected }) => {
      const { report, errors } = await check(mutate(find, replace));
      expect(report.ok).toBe(false);
      expect(errors.replaceAll(dir, '<dir>')).toBe(expected);
    },
  );

  it('has at least 40 rows', () => expect(MUTATIONS.length).toBeGreaterThanOrEqual(40));
});

describe('inference.tflite', () => {
  it.each([
    ['', 'none', { kind: 'version', version: '2.19', defaulted: true }],
    [
      '  accelerator: coral-usb\n  edgetpu-model: tpu.tflite\n',
      'coral',
      { kind: 'version', version: '2.9', defaulted: true },
    ],
    ['  tflite: 2.9\n', 'none', { kind: 'version', version: '2.9', defaulted: false }],
    ['  tflite: "2.19"\n', 'none', { kind: 'version', version: '2.19', defaulted: false }],
  ])('%s(accelerator %s) -> %o', async (extra, _acc, want) => {
    const { report } = await check(mutate('  threads: 2\n', `  threads: 2\n${extra}`));
    expect(report.ok && report.config.inference.tflite).toEqual(want);
  });

  it('takes a path to a library file, relative to the project file', async () => {
    writeFileSync(path.join(dir, 'libtensorflowlite_c.so'), 'ELF');
    const { report } = await check(mutate('  threads: 2\n', '  threads: 2\n  tflite: ./libtensorflowlite_c.so\n'));
    expect(report.ok && report.config.inference.tflite).toEqual({
      kind: 'path',
      path: path.join(dir, 'libtensorflowlite_c.so'),
      defaulted: false,
    });
  });
});

describe('warnings', () => {
  it('warns when a Coral is configured without an Edge TPU model', async () => {
    const { report, warnings } = await check(mutate('  threads: 2', '  threads: 2\n  accelerator: coral-usb'));
    expect(report.ok).toBe(true);
    expect(warnings).toBe(
      'coreforge.yaml:11:3: inference.edgetpu-model: accelerator "coral-usb" is set but no Edge TPU model is given: the device will run the CPU model',
    );
  });
  it('warns when an Edge TPU model is given without a Coral', async () => {
    const { warnings } = await check(mutate('  threads: 2', '  threads: 2\n  edgetpu-model: tpu.tflite'));
    expect(warnings).toBe(
      'coreforge.yaml:15:18: inference.edgetpu-model: an Edge TPU model is given but accelerator is "none": it will not be used',
    );
  });
});

describe('loadProjectConfig', () => {
  it('throws CONFIG_INVALID listing the problems, with a hint', async () => {
    const file = path.join(dir, FILE);
    writeFileSync(file, mutate('target: pc-amd64', 'target: pc'));
    const error = await loadProjectConfig(file).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(BuilderError);
    expect((error as BuilderError).code).toBe('CONFIG_INVALID');
    expect((error as BuilderError).message).toBe(
      `cannot load project file "${file}": 1 problem\n${file}:2:9: target: expected one of pc-amd64|pi-arm64, found "pc"`,
    );
    expect((error as BuilderError).hint).toBe(`fix the file, then check it with: coreforge config validate ${file}`);
  });
  it('throws CONFIG_NOT_FOUND for a missing file', async () => {
    const error = await loadProjectConfig(path.join(dir, 'nope.yaml')).catch((e: unknown) => e);
    expect((error as BuilderError).code).toBe('CONFIG_NOT_FOUND');
  });
});
