import { expect, test } from 'vitest';
import { SNAP_SPEC_CASES } from '../../test/helpers/snap-specs.js';
import {
  isShipped,
  isShippedDependencyFile,
  packLayout,
  shippedRuntimePackageJson,
  stagedDependencies,
  TOP_DIRS,
} from './pack-layout.js';
import { renderSnapYaml } from './render-snap-yaml.js';
import { renderServeScript } from './scripts.js';

test('the snap stays lean: no maps, declarations, docs, headers or sources', () => {
  const shipped = [
    'lib/index.js',
    'LICENSE',
    'package.json',
    'lib/sharp-linux-x64.node',
    'lib/libvips-cpp.so.8.17.3',
    'dist/cli/main.js',
  ];
  const dropped = [
    'lib/index.js.map',
    'lib/index.d.ts',
    'README.md',
    'CHANGELOG.md',
    'src/pipeline.cc',
    'lib/glib-2.0/include/glibconfig.h',
    'binding.gyp',
    'docs/api.html',
    '.npmignore',
    'test/unit.js',
  ];
  expect(shipped.filter((f) => !isShipped(f))).toEqual([]);
  expect(dropped.filter((f) => isShipped(f))).toEqual([]);
});

test('a staged dependency file is judged by its path inside its package, not by the package name', () => {
  expect(
    [
      'sharp/lib/index.js',
      '@img/sharp-linux-x64/lib/sharp-linux-x64.node',
      'test/lib/index.js',
      'a/node_modules/@s/b/lib/x.js',
    ].filter(isShippedDependencyFile),
  ).toEqual([
    'sharp/lib/index.js',
    '@img/sharp-linux-x64/lib/sharp-linux-x64.node',
    'test/lib/index.js',
    'a/node_modules/@s/b/lib/x.js',
  ]);
  expect(
    [
      '.package-lock.json',
      'sharp/README.md',
      'sharp/src/pipeline.cc',
      '@img/colour/index.d.ts',
      'a/node_modules/b/test/x.js',
    ].filter(isShippedDependencyFile),
  ).toEqual([]);
});

test('npm stages the runtime dependencies that are neither build-only nor shipped as their own part', () => {
  expect(
    stagedDependencies({
      'node-addon-api': '^8.5.0',
      sharp: '^0.34.5',
      'tfjs-tflite-node': '0.0.2',
      '@coreforge/runtime-linux-arm64': '0.1.0',
    }),
  ).toEqual({ sharp: '^0.34.5' });
  expect(stagedDependencies(undefined)).toEqual({});
  expect(
    shippedRuntimePackageJson({
      name: '@coreforge/runtime',
      version: '0.1.0',
      type: 'module',
      scripts: { install: 'node scripts/install.cjs' },
      devDependencies: { x: '1' },
      dependencies: { sharp: '^0.34.5', 'tfjs-tflite-node': '0.0.2' },
    }),
  ).toEqual({ name: '@coreforge/runtime', version: '0.1.0', type: 'module', dependencies: { sharp: '^0.34.5' } });
});

test('what goes where: the base holds Node, the runtime, its dependencies, the addon, TFLite and launchers; the top the rest', () => {
  const spec = SNAP_SPEC_CASES['amd64-cpu']!;
  const layout = packLayout(spec, 'amd64', {
    node: '/c/node',
    runtimePackageJson: { name: '@coreforge/runtime', version: '0.1.0', scripts: { install: 'x' } },
    runtimeFiles: [
      { folder: 'dist', rel: 'index.js', source: '/r/dist/index.js' },
      { folder: 'dist', rel: 'index.js.map', source: '/r/dist/index.js.map' },
      { folder: 'scripts', rel: 'install.cjs', source: '/r/scripts/install.cjs' },
      { folder: 'scripts', rel: 'paths.cjs', source: '/r/scripts/paths.cjs' },
    ],
    addon: '/r/build/Release/coreforge_tflite.node',
    dependencies: [
      { rel: 'sharp/lib/index.js', source: '/s/sharp/lib/index.js' },
      { rel: 'sharp/README.md', source: '/s/sharp/README.md' },
    ],
    tflite: '/t/libtensorflowlite_c.so',
    model: '/p/m.tflite',
    labels: '/p/l.txt',
  });
  expect(layout.base.map((e) => [e.rel, 'source' in e ? e.source : `text ${e.mode.toString(8)}`])).toEqual([
    ['bin/node', '/c/node'],
    ['runtime/package.json', 'text 644'],
    ['runtime/dist/index.js', '/r/dist/index.js'],
    ['runtime/scripts/paths.cjs', '/r/scripts/paths.cjs'],
    ['runtime/build/Release/coreforge_tflite.node', '/r/build/Release/coreforge_tflite.node'],
    ['runtime/node_modules/sharp/lib/index.js', '/s/sharp/lib/index.js'],
    ['lib/libtensorflowlite_c.so', '/t/libtensorflowlite_c.so'],
    ['bin/coreforge-env', 'text 644'],
    ['bin/classify', 'text 755'],
    ['bin/serve', 'text 755'],
  ]);
  expect(layout.base.find((e) => e.rel === 'runtime/package.json')).toMatchObject({
    text: '{\n  "name": "@coreforge/runtime",\n  "version": "0.1.0"\n}\n',
  });
  expect(layout.base.find((e) => e.rel === 'bin/serve')).toMatchObject({ text: renderServeScript(spec) });
  expect(layout.top.map((e) => e.rel)).toEqual([
    'model/mobilenet_v2_1.0_224_quant.tflite',
    'model/imagenet_labels.txt',
    'meta/hooks/configure',
    'meta/snap.yaml',
  ]);
  expect(layout.top.find((e) => e.rel === 'meta/snap.yaml')).toMatchObject({
    text: renderSnapYaml(spec, 'amd64'),
    mode: 0o644,
  });
  expect(layout.top.every((e) => TOP_DIRS.includes(e.rel.split('/')[0]!))).toBe(true);
  expect(layout.base.some((e) => TOP_DIRS.includes(e.rel.split('/')[0]!))).toBe(false);
});

test('without an addon the base simply has none (the packer warns)', () => {
  const layout = packLayout(SNAP_SPEC_CASES['arm64-cpu']!, 'arm64', {
    node: '/n',
    runtimePackageJson: {},
    runtimeFiles: [],
    dependencies: [],
    tflite: '/t',
    model: '/m',
    labels: '/l',
  });
  expect(layout.base.map((e) => e.rel)).toEqual([
    'bin/node',
    'runtime/package.json',
    'lib/libtensorflowlite_c.so',
    'bin/coreforge-env',
    'bin/classify',
    'bin/serve',
  ]);
});
