// gadget derive changes nothing but meta/gadget.yaml: the test builds its own base gadget snap (our pc layout
// plus placeholder boot assets, packed with the real snap pack), derives it, and compares both trees file by file.
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import {
  CORAL_CUSTOM_DEVICE,
  CORAL_SLOT,
  coralPlugName,
  customiseGadget,
  gadgetSnapYaml,
  renderGadgetYaml,
} from '@coreforge/gadget';
import { renderSnapYaml } from '@coreforge/snaps';
import { snapSpecFromConfig } from '../snap/spec-from-config.js';
import { parse, stringify } from 'yaml';
import { afterAll, describe, expect, it } from 'vitest';
import { fixtureProjectConfig } from '../../../test/helpers/project-config.js';
import { TEST_APT_KEY } from '../../../test/helpers/snap-specs.js';
import { run } from '../tools/run.js';
import { deriveGadget } from './derive.js';

const dir = mkdtempSync(path.join(tmpdir(), 'coreforge-derive-test-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const missing = ['snap', 'unsquashfs'].filter((t) => spawnSync('sh', ['-c', `command -v ${t}`]).status !== 0);

function files(root: string, rel = ''): string[] {
  return readdirSync(path.join(root, rel))
    .sort()
    .flatMap((f) => {
      const r = path.join(rel, f);
      return statSync(path.join(root, r)).isDirectory() ? files(root, r) : [r];
    });
}

describe.skipIf(missing.length > 0)('gadget derive', () => {
  it('changes only meta/gadget.yaml, keeps every boot asset byte for byte, and snap pack accepts the result', async () => {
    const base = path.join(dir, 'base');
    mkdirSync(path.join(base, 'meta'), { recursive: true });
    const plain = {
      target: 'pc-amd64' as const,
      inferenceSnap: { name: 'classifier' },
      service: { port: 8080, bind: '0.0.0.0', threads: 1 },
      kernelCmdline: { append: [], allow: [] },
      partitions: [],
    };
    writeFileSync(path.join(base, 'meta', 'gadget.yaml'), renderGadgetYaml(customiseGadget(plain).yaml));
    writeFileSync(path.join(base, 'meta', 'snap.yaml'), stringify(gadgetSnapYaml(plain, '24-1')));
    for (const [f, n] of [
      ['pc-boot.img', 440],
      ['pc-core.img', 30000],
      ['grubx64.efi', 5000],
      ['shim.efi.signed', 7000],
    ] as const)
      writeFileSync(path.join(base, f), Buffer.from(Array.from({ length: n }, (_, i) => (i * 31 + n) & 0xff)));
    execFileSync('snap', ['pack', base, dir], { env: { ...process.env, SOURCE_DATE_EPOCH: '1704067200' } });
    const baseSnap = path.join(dir, 'pc_24-1_all.snap');

    const config = fixtureProjectConfig('mobilenet_v2_1.0_224_quant.tflite', {
      inference: {
        accelerator: 'coral-usb',
        coralAccess: 'raw-usb',
        snapId: 'aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa',
        port: 9000,
      },
    });
    const outSnap = path.join(dir, 'pc-derived.snap');
    await deriveGadget(config, { baseSnap, outSnap, run });

    const a = path.join(dir, 'a');
    const b = path.join(dir, 'b');
    execFileSync('unsquashfs', ['-n', '-d', a, baseSnap]);
    execFileSync('unsquashfs', ['-n', '-d', b, outSnap]);
    expect(files(b)).toEqual(files(a));
    const changed = files(a).filter((f) => !readFileSync(path.join(a, f)).equals(readFileSync(path.join(b, f))));
    expect(changed).toEqual(['meta/gadget.yaml']);
    const derived = parse(readFileSync(path.join(b, 'meta', 'gadget.yaml'), 'utf8')) as {
      defaults: unknown;
      connections: unknown;
      volumes: { pc: { structure: unknown[] } };
    };
    expect(derived.defaults).toEqual({
      aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa: { port: '9000', bind: '0.0.0.0', threads: '1' },
    });
    expect(derived.connections).toEqual([{ plug: 'aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa:raw-usb', slot: 'system:raw-usb' }]);
    expect(derived.volumes.pc.structure).toHaveLength(6);
  });
});

describe.skipIf(missing.length > 0)("the brand gadget (prepare-gadget's derive)", () => {
  it('carries the service defaults and the Coral custom-device slot, and connects the plug the inference snap declares', async () => {
    const base = path.join(dir, 'brand-base');
    mkdirSync(path.join(base, 'meta'), { recursive: true });
    const plain = {
      target: 'pc-amd64' as const,
      inferenceSnap: { name: 'classifier' },
      service: { port: 8080, bind: '0.0.0.0', threads: 1 },
      kernelCmdline: { append: [], allow: [] },
      partitions: [],
    };
    writeFileSync(path.join(base, 'meta', 'gadget.yaml'), renderGadgetYaml(customiseGadget(plain).yaml));
    writeFileSync(path.join(base, 'meta', 'snap.yaml'), stringify(gadgetSnapYaml(plain, '24-1')));
    for (const f of ['pc-boot.img', 'pc-core.img', 'grubx64.efi', 'shim.efi.signed'])
      writeFileSync(path.join(base, f), f);
    execFileSync('snap', ['pack', base, path.join(dir, 'brand-base-out')], {
      env: { ...process.env, SOURCE_DATE_EPOCH: '1704067200' },
    });
    const baseSnap = path.join(dir, 'brand-base-out', 'pc_24-1_all.snap');
    const APP = 'aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa';
    const GADGET = 'gggggggggggggggggggggggggggggggg';
    const config = fixtureProjectConfig('mobilenet_v2_1.0_224_quant.tflite', {
      inference: { accelerator: 'coral-usb', coralAccess: 'custom-device', snapId: APP, threads: 2 },
    });
    const withGadget = { ...config, gadget: { ...config.gadget, snapName: 'acme-pc', snapId: GADGET } };
    const outSnap = path.join(dir, 'acme-pc.snap');
    const r = await deriveGadget(withGadget, { baseSnap, outSnap, run, brandName: 'acme-pc' });
    expect(r.name).toBe('acme-pc');
    expect(r.version).toMatch(/^24-1\+cf[0-9a-f]{8}$/);
    // Read the packed gadget snap back.
    const cat = (member: string) =>
      parse(execFileSync('unsquashfs', ['-cat', outSnap, member], { encoding: 'utf8' })) as Record<string, unknown>;
    const gadgetYaml = cat('meta/gadget.yaml') as { defaults: unknown; connections: { plug: string; slot: string }[] };
    const snapYaml = cat('meta/snap.yaml') as {
      name: string;
      version: string;
      slots: Record<string, Record<string, unknown>>;
    };
    expect(gadgetYaml.defaults).toEqual({ [APP]: { port: '8080', bind: '0.0.0.0', threads: '2' } });
    expect(snapYaml).toMatchObject({
      name: 'acme-pc',
      version: r.version,
      slots: { [CORAL_SLOT]: { interface: 'custom-device', 'custom-device': CORAL_CUSTOM_DEVICE } },
    });
    // The inference snap's meta/snap.yaml as coreforge renders it for snapcraft (the offline packer refuses Coral
    // projects: libedgetpu comes from Coral's apt repository): the plug the gadget connects is the one it declares.
    const appYaml = parse(renderSnapYaml(snapSpecFromConfig(withGadget, { coralAptKey: TEST_APT_KEY }), 'amd64')) as {
      plugs: Record<string, { interface: string; 'custom-device': string }>;
    };
    const [plugSnap, plugName] = gadgetYaml.connections[0]!.plug.split(':');
    expect(gadgetYaml.connections).toEqual([
      { plug: `${APP}:${coralPlugName('custom-device')}`, slot: `${GADGET}:${CORAL_SLOT}` },
    ]);
    expect(plugSnap).toBe(APP);
    expect(appYaml.plugs[plugName!]).toEqual({
      interface: 'custom-device',
      'custom-device': snapYaml.slots[CORAL_SLOT]!['custom-device'],
    });
  });

  it("refuses a base gadget on another base, and a UC16 layout, with snapd's messages", async () => {
    const mk = (name: string, gadgetYaml: string, baseName: string) => {
      const t = path.join(dir, name);
      mkdirSync(path.join(t, 'meta'), { recursive: true });
      writeFileSync(path.join(t, 'meta', 'gadget.yaml'), gadgetYaml);
      writeFileSync(
        path.join(t, 'meta', 'snap.yaml'),
        stringify({ name: 'pc', version: '1', type: 'gadget', base: baseName, summary: 's', description: 'd' }),
      );
      for (const f of ['pc-boot.img', 'grubx64.efi', 'shim.efi.signed', 'pc-core.img'])
        writeFileSync(path.join(t, f), f);
      execFileSync('snap', ['pack', t, path.join(dir, `${name}-out`)], {
        env: { ...process.env, SOURCE_DATE_EPOCH: '1704067200' },
      });
      return path.join(dir, `${name}-out`, 'pc_1_all.snap');
    };
    const plain = {
      target: 'pc-amd64' as const,
      inferenceSnap: { name: 'classifier' },
      service: { port: 8080, bind: '0.0.0.0', threads: 1 },
      kernelCmdline: { append: [], allow: [] },
      partitions: [],
    };
    const config = fixtureProjectConfig('mobilenet_v2_1.0_224_quant.tflite');
    const core22 = mk('core22-base', renderGadgetYaml(customiseGadget(plain).yaml), 'core22');
    await expect(
      deriveGadget(config, { baseSnap: core22, outSnap: path.join(dir, 'x.snap'), run, brandName: 'acme-pc' }),
    ).rejects.toThrow('cannot use gadget snap because its base "core22" is different from model base "core24"');
    const uc16 = mk(
      'uc16-base',
      'volumes:\n  pc:\n    bootloader: grub\n    structure:\n      - name: mbr\n        type: mbr\n        size: 440\n        content: [{image: pc-boot.img}]\n      - name: EFI System\n        type: EF,C12A7328-F81F-11D2-BA4B-00A0C93EC93B\n        filesystem: vfat\n        filesystem-label: system-boot\n        size: 50M\n        content: [{source: grubx64.efi, target: EFI/boot/grubx64.efi}]\n',
      'core24',
    );
    await expect(
      deriveGadget(config, { baseSnap: uc16, outSnap: path.join(dir, 'y.snap'), run, brandName: 'acme-pc' }),
    ).rejects.toThrow('model requires system-seed partition, but no system-seed or system-data partition found');
  });
});
