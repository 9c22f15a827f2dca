import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, test } from 'vitest';
import { parse } from 'yaml';
import { SNAP_SPEC_CASES } from '../../test/helpers/snap-specs.js';
import { TFLITE_DIR } from '../../test/helpers/tflite.js';
import { LITERT, TENSORFLOW_FOR_LITERT } from './pins.js';
import { renderSnapcraftProject, renderSnapcraftYaml } from './render-snapcraft.js';
import { renderTfliteCmake } from './tflite-part.js';

const golden = (name: string) =>
  readFileSync(new URL(`../../test/fixtures/snapcraft/${name}.yaml`, import.meta.url), 'utf8');

describe('renderSnapcraftYaml', () => {
  test.each(Object.keys(SNAP_SPEC_CASES))('%s matches its golden file', (name) => {
    expect(renderSnapcraftYaml(SNAP_SPEC_CASES[name]!)).toBe(golden(name));
  });

  test('the edgetpu part and the Coral repository appear only with a Coral', () => {
    for (const [name, spec] of Object.entries(SNAP_SPEC_CASES)) {
      const doc = parse(renderSnapcraftYaml(spec)) as {
        parts: Record<string, unknown>;
        'package-repositories'?: unknown[];
      };
      expect(Object.keys(doc.parts).includes('edgetpu'), name).toBe(spec.coral !== undefined);
      expect(doc['package-repositories'] !== undefined, name).toBe(spec.coral !== undefined);
    }
  });

  test('the Coral part stages libedgetpu1-<runtime> and libusb from the keyed repository', () => {
    const doc = parse(renderSnapcraftYaml(SNAP_SPEC_CASES['arm64-coral-custom-device']!)) as {
      parts: { edgetpu: { 'stage-packages': string[] } };
      'package-repositories': { 'key-id': string }[];
      plugs: Record<string, { interface: string; 'custom-device': string }>;
      apps: { serve: { plugs: string[] }; classify: { plugs: string[] } };
    };
    expect(doc.parts.edgetpu['stage-packages']).toEqual(['libedgetpu1-max', 'libusb-1.0-0']);
    expect(doc['package-repositories'][0]!['key-id']).toBe('35BAA0B33E9EB396F59CA838C0BA5CE6DC6315A3');
    expect(doc.plugs['coral-tpu']).toEqual({ interface: 'custom-device', 'custom-device': 'coral-tpu' });
    expect(doc.apps.serve.plugs).toEqual(['network-bind', 'coral-tpu']);
    expect(doc.apps.classify.plugs).toEqual(['home', 'coral-tpu']);
  });

  test('raw-usb access adds the raw-usb plug to both apps and declares no top-level plug', () => {
    const doc = parse(renderSnapcraftYaml(SNAP_SPEC_CASES['amd64-coral-usb']!)) as {
      plugs?: unknown;
      apps: { serve: { plugs: string[]; daemon: string; 'install-mode': string } };
    };
    expect(doc.plugs).toBeUndefined();
    expect(doc.apps.serve).toMatchObject({
      plugs: ['network-bind', 'raw-usb'],
      daemon: 'simple',
      'install-mode': 'enable',
    });
  });

  test('the project tree holds the yaml, an executable configure hook, the launchers and a copy of every source', () => {
    const files = renderSnapcraftProject(SNAP_SPEC_CASES['amd64-cpu']!);
    expect(files.map((f) => [f.path, f.mode.toString(8), f.copyFrom ?? 'text'])).toEqual([
      ['snap/snapcraft.yaml', '644', 'text'],
      ['snap/hooks/configure', '755', 'text'],
      ['snap/local/launchers/bin/coreforge-env', '644', 'text'],
      ['snap/local/launchers/bin/classify', '755', 'text'],
      ['snap/local/launchers/bin/serve', '755', 'text'],
      ['snap/local/runtime/coreforge-runtime-0.1.0.tgz', '644', '/tmp/pack/coreforge-runtime-0.1.0.tgz'],
      ['snap/local/tflite/CMakeLists.txt', '644', 'text'],
      ['snap/local/model/mobilenet_v2_1.0_224_quant.tflite', '644', '/p/models/mobilenet_v2_1.0_224_quant.tflite'],
      ['snap/local/model/imagenet_labels.txt', '644', '/p/models/imagenet_labels.txt'],
    ]);
    // A Coral project takes TFLite 2.9 prebuilt: no CMake project.
    expect(renderSnapcraftProject(SNAP_SPEC_CASES['amd64-coral-usb']!).map((f) => f.path)).not.toContain(
      'snap/local/tflite/CMakeLists.txt',
    );
  });
});

describe('the tflite part (TFLite 2.19 from LiteRT with the CMake plugin)', () => {
  const yaml = parse(renderSnapcraftYaml(SNAP_SPEC_CASES['amd64-cpu']!)) as {
    parts: Record<string, Record<string, unknown>>;
  };
  const part = yaml.parts.tflite!;

  test('pulls LiteRT at the pinned commit and TensorFlow at the tag LiteRT asks for, and builds with CMake', () => {
    expect(part).toMatchObject({
      plugin: 'cmake',
      source: LITERT.repository,
      'source-commit': LITERT.commit,
      'cmake-generator': 'Ninja',
    });
    expect(part['override-pull']).toContain(
      `--branch ${TENSORFLOW_FOR_LITERT.tag} ${TENSORFLOW_FOR_LITERT.repository}`,
    );
    expect(part['cmake-parameters']).toEqual(
      expect.arrayContaining(['-DTFLITE_ENABLE_XNNPACK=ON', '-DTFLITE_ENABLE_GPU=OFF', '-DCMAKE_BUILD_TYPE=Release']),
    );
    expect(part.prime).toEqual(['lib/libtensorflowlite_c.so']);
  });

  test('its CMakeLists builds the same tensorflowlite_c target as the script that built ../shared/tflite, plus install', () => {
    // The wrapper heredoc of ../shared/tflite/build.sh (the build of the libraries the tests use), line by line.
    const build = readFileSync(path.join(TFLITE_DIR, 'build.sh'), 'utf8');
    const wrapper = /cat > "\$WRAP\/CMakeLists.txt" <<'EOF'\n([\s\S]*?)\nEOF/.exec(build)![1]!.split('\n');
    const ours = renderTfliteCmake().split('\n');
    for (const line of wrapper.filter((l) => !l.startsWith('project('))) expect(ours, line).toContain(line);
    expect(ours).toContain('install(TARGETS tensorflowlite_c LIBRARY DESTINATION lib)');
    expect(ours.join('\n')).toContain('string(APPEND CMAKE_CXX_FLAGS " -march=x86-64-v2")');
  });

  test('every part source is a path inside the project folder, a checksummed download, or a git repository at a pinned commit', () => {
    for (const [name, spec] of Object.entries(SNAP_SPEC_CASES)) {
      const files = renderSnapcraftProject(spec);
      const doc = parse(files[0]!.content!) as {
        parts: Record<
          string,
          { source?: string; 'source-type'?: string; 'source-checksum'?: string; 'source-commit'?: string }
        >;
      };
      for (const [part, def] of Object.entries(doc.parts)) {
        if (def.source === undefined) continue;
        if (/^https:/.test(def.source) && def['source-type'] === 'git')
          expect(def['source-commit'], `${name} ${part}`).toMatch(/^[0-9a-f]{40}$/);
        else if (/^https:/.test(def.source)) expect(def['source-checksum'], `${name} ${part}`).toMatch(/^sha512\//);
        else
          expect(
            files.some((f) => f.path === def.source || f.path.startsWith(`${def.source}/`)),
            `${name} ${part}: ${def.source}`,
          ).toBe(true);
      }
    }
  });

  test('a Coral project carries the repository key where snapcraft looks for it (snap/keys/<last 8 of key-id>.asc)', () => {
    const files = renderSnapcraftProject(SNAP_SPEC_CASES['amd64-coral-usb']!);
    expect(files.find((f) => f.path === 'snap/keys/DC6315A3.asc')?.content).toContain('BEGIN PGP PUBLIC KEY BLOCK');
    expect(renderSnapcraftProject(SNAP_SPEC_CASES['amd64-cpu']!).some((f) => f.path.startsWith('snap/keys/'))).toBe(
      false,
    );
  });
});
