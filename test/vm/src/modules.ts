// Kernel modules for the initramfs, in load order: dependencies read from each .ko's own modinfo
// ("depends=..."), since a kernel package has no modules.dep until depmod runs on an installed system.
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { HarnessError } from './errors.js';

/** The modules the smoke VM needs: virtio PCI, block and network devices, and squashfs for the snap. */
export const SMOKE_MODULES = ['virtio_pci', 'virtio_mmio', 'virtio_blk', 'virtio_net', 'squashfs'] as const;

export function modinfoDepends(ko: Buffer): string[] {
  const at = ko.indexOf('depends=');
  if (at < 0) return [];
  const end = ko.indexOf(0, at);
  return ko
    .toString('latin1', at + 'depends='.length, end)
    .split(',')
    .filter(Boolean);
}

/** Finds module files under `modulesDir` and orders them so that dependencies come first. Built-in modules are skipped. */
export async function resolveModules(
  modulesDir: string,
  wanted: readonly string[],
  files: ReadonlyMap<string, string>,
  builtin: ReadonlySet<string>,
): Promise<string[]> {
  const order: string[] = [];
  const visiting = new Set<string>();
  const visit = async (name: string) => {
    const key = name.replace(/-/g, '_');
    if (order.includes(key) || builtin.has(key)) return;
    if (visiting.has(key)) return;
    visiting.add(key);
    const file = files.get(key);
    if (!file) throw new HarnessError('BOOT_ASSETS_FAILED', `kernel module "${name}" is not in ${modulesDir}`);
    for (const dep of modinfoDepends(await readFile(file))) await visit(dep);
    order.push(key);
  };
  for (const w of wanted) {
    const key = w.replace(/-/g, '_');
    if (!files.has(key) && !builtin.has(key)) continue; // e.g. virtio_mmio exists on arm64 only as a module
    await visit(w);
  }
  return order.map((m) => path.relative(modulesDir, files.get(m)!));
}
