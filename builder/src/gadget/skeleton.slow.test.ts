// The gadget metadata through Debian's `snap pack --check-skeleton` (snapd 2.57). It exits 0 even when it
// complains, so stderr is what is checked. Boot assets are placeholders: only metadata is under test here.
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { customiseGadget, gadgetSnapYaml, renderGadgetYaml, type GadgetCustomisation } from '@coreforge/gadget';
import { afterAll, describe, expect, it } from 'vitest';
import { stringify } from 'yaml';

const dir = mkdtempSync(path.join(tmpdir(), 'coreforge-skeleton-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const hasSnap = spawnSync('sh', ['-c', 'command -v snap']).status === 0;

function skeleton(name: string, c: GadgetCustomisation): string {
  const root = path.join(dir, name);
  mkdirSync(path.join(root, 'meta'), { recursive: true });
  writeFileSync(path.join(root, 'meta', 'gadget.yaml'), renderGadgetYaml(customiseGadget(c).yaml));
  writeFileSync(path.join(root, 'meta', 'snap.yaml'), stringify(gadgetSnapYaml(c, '24')));
  for (const [f, n] of [
    ['pc-boot.img', 440],
    ['pc-core.img', 1000],
    ['grubx64.efi', 1],
    ['shim.efi.signed', 1],
  ] as const)
    writeFileSync(path.join(root, f), Buffer.alloc(n));
  const r = spawnSync('snap', ['pack', '--check-skeleton', root], { encoding: 'utf8' });
  return `${r.stdout}${r.stderr}`.trim();
}

const base: GadgetCustomisation = {
  target: 'pc-amd64',
  inferenceSnap: { name: 'classifier', id: 'aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa' },
  service: { port: 8080, bind: '0.0.0.0', threads: 1 },
  kernelCmdline: { append: [], allow: [] },
  partitions: [],
};

describe.skipIf(!hasSnap)('snap pack --check-skeleton (snapd 2.57)', () => {
  it('accepts the gadget with the raw-usb Coral mode without a complaint', () => {
    expect(skeleton('raw-usb', { ...base, coral: 'raw-usb' })).toBe('');
  });

  it('knows the custom-device slot except for-device, which needs snapd 2.66 (a known version difference)', () => {
    // snapd 2.57 reports one of two faces of the same gap (which one depends on Go's map order): it does not know
    // for-device, and without for-device a USB sysname in "kernel" does not match the /dev/bus/usb node.
    expect(skeleton('custom-device', { ...base, coral: 'custom-device' })).toMatch(
      /^snap "pc" has bad plugs or slots: coral-usb \(custom-device "udev-tagging" invalid ("for-device" tag: unknown tag|"kernel" tag: "\[0-9\]\*-\[0-9\]\*" does not match a specified device)\)$/,
    );
  });
});
