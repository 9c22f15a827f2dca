// gadget derive changes nothing but meta/gadget.yaml: the test builds its own base gadget snap (our pc layout
// plus placeholder boot assets, packed with the real snap pack), derives it, and compares both trees file by file.
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { customiseGadget, gadgetSnapYaml, renderGadgetYaml } from '@coreforge/gadget';
import { parse, stringify } from 'yaml';
import { afterAll, describe, expect, it } from 'vitest';
import { fixtureProjectConfig } from '../../../test/helpers/project-config.js';
import { run } from '../tools/run.js';
import { deriveGadget } from './derive.js';

const dir = mkdtempSync(path.join(tmpdir(), 'coreforge-derive-test-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const missing = ['snap', 'unsquashfs'].filter((t) => spawnSync('sh', ['-c', `command -v ${t}`]).status !== 0);

function files(root: string, rel = ''): string[] {
  return readdirSync(path.join(root, rel)).sort().flatMap((f) => {
    const r = path.join(rel, f);
    return statSync(path.join(root, r)).isDirectory() ? files(root, r) : [r];
  });
}

describe.skipIf(missing.length > 0)('gadget derive', () => {
  it('changes only meta/gadget.yaml, keeps every boot asset byte for byte, and snap pack accepts the result', async () => {
    const base = path.join(dir, 'base');
    mkdirSync(path.join(base, 'meta'), { recursive: true });
    const plain = { target: 'pc-amd64' as const, inferenceSnap: { name: 'classifier' }, service: { port: 8080, bind: '0.0.0.0', threads: 1 }, kernelCmdline: { append: [], allow: [] }, partitions: [] };
    writeFileSync(path.join(base, 'meta', 'gadget.yaml'), renderGadgetYaml(customiseGadget(plain).yaml));
    writeFileSync(path.join(base, 'meta', 'snap.yaml'), stringify(gadgetSnapYaml(plain, '24-1')));
    for (const [f, n] of [['pc-boot.img', 440], ['pc-core.img', 30000], ['grubx64.efi', 5000], ['shim.efi.signed', 7000]] as const)
      writeFileSync(path.join(base, f), Buffer.from(Array.from({ length: n }, (_, i) => (i * 31 + n) & 0xff)));
    execFileSync('snap', ['pack', base, dir], { env: { ...process.env, SOURCE_DATE_EPOCH: '1704067200' } });
    const baseSnap = path.join(dir, 'pc_24-1_all.snap');

    const config = fixtureProjectConfig('mobilenet_v2_1.0_224_quant.tflite', { inference: { accelerator: 'coral-usb', coralAccess: 'raw-usb', snapId: 'aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa', port: 9000 } });
    const outSnap = path.join(dir, 'pc-derived.snap');
    await deriveGadget(config, { baseSnap, outSnap, run });

    const a = path.join(dir, 'a');
    const b = path.join(dir, 'b');
    execFileSync('unsquashfs', ['-n', '-d', a, baseSnap]);
    execFileSync('unsquashfs', ['-n', '-d', b, outSnap]);
    expect(files(b)).toEqual(files(a));
    const changed = files(a).filter((f) => !readFileSync(path.join(a, f)).equals(readFileSync(path.join(b, f))));
    expect(changed).toEqual(['meta/gadget.yaml']);
    const derived = parse(readFileSync(path.join(b, 'meta', 'gadget.yaml'), 'utf8')) as { defaults: unknown; connections: unknown; volumes: { pc: { structure: unknown[] } } };
    expect(derived.defaults).toEqual({ aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa: { port: '9000', bind: '0.0.0.0', threads: '1' } });
    expect(derived.connections).toEqual([{ plug: 'aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa:raw-usb', slot: 'system:raw-usb' }]);
    expect(derived.volumes.pc.structure).toHaveLength(6);
  });
});
