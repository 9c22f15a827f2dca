import { readFileSync } from 'node:fs';
import { describe, expect, test } from 'vitest';
import { parse } from 'yaml';
import { SNAP_SPEC_CASES } from '../../test/helpers/snap-specs.js';
import { renderSnapcraftProject, renderSnapcraftYaml } from './render-snapcraft.js';

const golden = (name: string) => readFileSync(new URL(`../../test/fixtures/snapcraft/${name}.yaml`, import.meta.url), 'utf8');

describe('renderSnapcraftYaml', () => {
  test.each(Object.keys(SNAP_SPEC_CASES))('%s matches its golden file', (name) => {
    expect(renderSnapcraftYaml(SNAP_SPEC_CASES[name]!)).toBe(golden(name));
  });

  test('the edgetpu part and the Coral repository appear only with a Coral', () => {
    for (const [name, spec] of Object.entries(SNAP_SPEC_CASES)) {
      const doc = parse(renderSnapcraftYaml(spec)) as { parts: Record<string, unknown>; 'package-repositories'?: unknown[] };
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
    expect(doc.apps.serve).toMatchObject({ plugs: ['network-bind', 'raw-usb'], daemon: 'simple', 'install-mode': 'enable' });
  });

  test('the project tree holds the yaml, an executable configure hook and the launchers', () => {
    const files = renderSnapcraftProject(SNAP_SPEC_CASES['amd64-cpu']!);
    expect(files.map((f) => [f.path, f.mode.toString(8)])).toEqual([
      ['snap/snapcraft.yaml', '644'],
      ['snap/hooks/configure', '755'],
      ['snap/local/bin/coreforge-env', '644'],
      ['snap/local/bin/classify', '755'],
      ['snap/local/bin/serve', '755'],
    ]);
  });
});
