// The seed oracle (test/oracles/seed: snapd's seed writer and reader) and its test store: a folder holding
// assertions (asserts/*.assert) and the snaps a store would serve (snaps/<name>.snap), signed with snapd's public
// test keys. Minimal typed stand-in snaps (pc-kernel, core24, snapd, a pc gadget) are packed with Debian's real
// `snap pack`; they are not Ubuntu Core's snaps, only snaps of the right type and shape for snapd's checks.
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import {
  copyFileSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  renameSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { stringify } from 'yaml';
import { referenceLayout } from '@coreforge/gadget';
import { buildGoOracle, runOracle, type OracleBuild } from './go-oracle.js';

export const SEED_ORACLE_TAGS = ['withtestkeys', 'nosecboot'] as const;
const SNAP_CACHE = fileURLToPath(new URL('../.cache/seed-snaps', import.meta.url));

export function buildSeedOracle(): OracleBuild {
  return buildGoOracle('seed', SEED_ORACLE_TAGS);
}

/** Why seed tests cannot run here, or undefined. */
export function seedSkipReason(oracle: OracleBuild): string | undefined {
  if (!oracle.ok) return oracle.reason;
  if (spawnSync('snap', ['version']).error) return 'snap is not installed (apt-get install snapd)';
  if (spawnSync('unsquashfs', ['-h']).error) return 'unsquashfs is not installed (apt-get install squashfs-tools)';
  return undefined;
}

export interface SnapTree {
  /** meta/snap.yaml */
  readonly yaml: Record<string, unknown>;
  /** Other files, relative to the snap root. */
  readonly files?: Readonly<Record<string, string | Uint8Array>>;
}

/** Packs a tree with `snap pack` (SOURCE_DATE_EPOCH fixed, so the result is byte-identical), cached by content. */
export function packSnapTree(tree: SnapTree): string {
  const hash = createHash('sha256').update(JSON.stringify(tree.yaml));
  for (const [f, c] of Object.entries(tree.files ?? {}).sort(([a], [b]) => a.localeCompare(b)))
    hash.update(f).update(c);
  const dir = path.join(SNAP_CACHE, hash.digest('hex').slice(0, 16));
  const done = existsSync(dir) ? readdirSync(dir).find((f) => f.endsWith('.snap')) : undefined;
  if (done) return path.join(dir, done);
  const work = mkdtempSync(path.join(tmpdir(), 'coreforge-standin-'));
  try {
    const root = path.join(work, 'root');
    mkdirSync(path.join(root, 'meta'), { recursive: true });
    writeFileSync(path.join(root, 'meta', 'snap.yaml'), stringify(tree.yaml));
    for (const [f, c] of Object.entries(tree.files ?? {})) {
      mkdirSync(path.dirname(path.join(root, f)), { recursive: true });
      // Scripts (starting with #!) are executable, as snap pack requires of app commands.
      writeFileSync(path.join(root, f), c, { mode: typeof c === 'string' && c.startsWith('#!') ? 0o755 : 0o644 });
    }
    const out = path.join(work, 'out');
    const r = spawnSync('snap', ['pack', root, out], {
      encoding: 'utf8',
      env: { ...process.env, SOURCE_DATE_EPOCH: '1704067200' },
    });
    if (r.status !== 0) throw new Error(`snap pack of stand-in "${String(tree.yaml.name)}" failed: ${r.stderr}`);
    const snap = readdirSync(out).find((f) => f.endsWith('.snap'))!;
    mkdirSync(SNAP_CACHE, { recursive: true });
    const tmp = path.join(SNAP_CACHE, `.${path.basename(dir)}.${process.pid}`);
    mkdirSync(tmp);
    renameSync(path.join(out, snap), path.join(tmp, snap));
    try {
      renameSync(tmp, dir);
    } catch {
      rmSync(tmp, { recursive: true, force: true }); // another worker packed the same tree first
    }
    return path.join(dir, snap);
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

const about = (what: string) => ({
  summary: `stand-in ${what} for seed tests`,
  description: `A minimal ${what} of the right type for snapd's seed writer; not Ubuntu Core's.`,
});

export const standInKernel = (files: SnapTree['files'] = {}): SnapTree => ({
  yaml: { name: 'pc-kernel', version: '24-standin', type: 'kernel', ...about('kernel') },
  files,
});
export const standInBase = (name = 'core24'): SnapTree => ({
  yaml: { name, version: '24-standin', type: 'base', ...about('base') },
  files: { 'usr/lib/.keep': '' },
});
export const standInSnapd = (): SnapTree => ({
  yaml: { name: 'snapd', version: '2.57-standin', type: 'snapd', ...about('snapd snap') },
  files: { 'usr/lib/snapd/.keep': '' },
});
export const standInApp = (name: string, base = 'core24', extra: Record<string, unknown> = {}): SnapTree => ({
  yaml: {
    name,
    version: '0.1',
    base,
    ...about('app'),
    apps: { serve: { command: 'bin/serve', daemon: 'simple' } },
    ...extra,
  },
  files: { 'bin/serve': '#!/bin/sh\n' },
});

/** The boot assets the pc gadget's gadget.yaml names (placeholders unless given). */
export const PC_GADGET_ASSETS: Readonly<Record<string, string | Uint8Array>> = {
  'pc-boot.img': new Uint8Array(440),
  'pc-core.img': new Uint8Array(4096),
  'grubx64.efi': 'stand-in grub',
  'shim.efi.signed': 'stand-in shim',
};

export function standInGadget(
  gadgetYaml: string,
  o: { name?: string; base?: string; assets?: SnapTree['files']; extraYaml?: Record<string, unknown> } = {},
): SnapTree {
  return {
    yaml: {
      name: o.name ?? 'pc',
      version: '24-standin',
      type: 'gadget',
      base: o.base ?? 'core24',
      ...about('gadget'),
      ...o.extraYaml,
    },
    files: { 'meta/gadget.yaml': gadgetYaml, ...(o.assets ?? PC_GADGET_ASSETS) },
  };
}

export interface SeedSnapOption {
  readonly path?: string;
  readonly name?: string;
  readonly channel?: string;
}

export interface SeedRequest {
  readonly model: string;
  readonly snaps: readonly SeedSnapOption[];
  readonly channel?: string;
  readonly storeDir?: string;
  readonly prepareDir?: string;
  readonly label?: string;
}

export interface SeedVerdict {
  readonly result: string;
  readonly stage?: string;
  readonly label?: string;
  readonly warnings: readonly string[];
  readonly snaps?: readonly {
    name: string;
    id: string;
    revision: number;
    type: string;
    path: string;
    channel: string;
    essential: boolean;
  }[];
  readonly readBack?: string;
  readonly model?: string;
  readonly grade?: string;
}

/** A folder store signed with snapd's test store key, through the oracle's assert-account / assert-snap. */
export class TestStore {
  readonly asserts: string;
  readonly snaps: string;
  constructor(
    readonly dir: string,
    readonly oracle: string,
  ) {
    this.asserts = path.join(dir, 'asserts');
    this.snaps = path.join(dir, 'snaps');
    mkdirSync(this.asserts, { recursive: true });
    mkdirSync(this.snaps, { recursive: true });
  }

  private call(args: string[]): string {
    const r = spawnSync(this.oracle, args, { encoding: 'utf8' });
    if (r.status !== 0) throw new Error(`seed oracle ${args[0]} failed: ${r.stderr}`);
    return r.stdout;
  }

  /** The brand's account and an account-key for its signing key (the account-key body, as `keys export-public` prints it). */
  addBrand(brand: string, publicKeyBody: string): void {
    const keyFile = path.join(this.dir, `${brand}.pub`);
    writeFileSync(keyFile, publicKeyBody);
    writeFileSync(path.join(this.asserts, `account-${brand}.assert`), this.call(['assert-account', brand, keyFile]));
  }

  /** What `snap download` writes beside a snap: its assertions. Returns the .assert text. */
  assertSnap(snapFile: string, o: { id: string; publisher: string; revision: number }): string {
    return this.call(['assert-snap', snapFile, o.id, o.publisher, String(o.revision)]);
  }

  /** Publishes a snap: its assertions into the store, the file into snaps/ unless `local` (then only asserted). */
  publish(
    snapFile: string,
    name: string,
    o: { id: string; publisher: string; revision: number; serve?: boolean },
  ): string {
    const text = this.assertSnap(snapFile, o);
    writeFileSync(path.join(this.asserts, `${name}.assert`), text);
    if (o.serve !== false) copyFileSync(snapFile, path.join(this.snaps, `${name}.snap`));
    return text;
  }
}

export function runSeedOracle(oracle: string, requests: readonly SeedRequest[]): SeedVerdict[] {
  return runOracle<SeedVerdict[]>(oracle, requests, ['seed']);
}

/** Snap ids the test store publishes its stand-ins under (the store's real ids, so models need no change). */
export const STORE_IDS = {
  pc: 'UqFziVZDHLSyO3TqSWgNBoAdHbLI4dAH',
  'pc-kernel': 'pYVQrBcKmBa0mZ4CCN7ExT6jH8rY1hza',
  core24: 'dwTAh7MZZ01zyriOZErqd1JynQLiOGvM',
  snapd: 'PMrrV4ml8uWuEUDBT8dSGnKUYbevVhc4',
  'network-manager': 'RmBXKl6HO6YOC2DE4G2q1JzWImC04EUy',
} as const;

/** The pc reference layout with a smaller ubuntu-seed (256M instead of 1200M), so test disks stay small. */
export function standInPcGadgetYaml(): string {
  const { volumes } = referenceLayout('pc-amd64');
  const pc = volumes.pc!;
  const structure = pc.structure.map((s) => (s.role === 'system-seed' ? { ...s, size: '256M' } : s));
  return stringify({ volumes: { pc: { ...pc, structure } } }, { lineWidth: 0 });
}

/** A UC16-era pc layout (no system-seed, no system-data): what canonical/pc-gadget's default branch still has. */
export const UC16_PC_GADGET_YAML = `volumes:
  pc:
    bootloader: grub
    structure:
      - name: mbr
        type: mbr
        size: 440
        content: [{image: pc-boot.img}]
      - name: EFI System
        type: EF,C12A7328-F81F-11D2-BA4B-00A0C93EC93B
        filesystem: vfat
        filesystem-label: system-boot
        size: 50M
        content: [{source: grubx64.efi, target: EFI/boot/grubx64.efi}]
`;

export interface StandInStore {
  readonly store: TestStore;
  /** Environment for the stand-in ubuntu-image (test/fake-bin). */
  readonly env: Record<string, string>;
  /** The stand-in pc gadget, as a local file (also served by the store). */
  readonly pcGadget: string;
}

/**
 * A test store serving stand-in pc-kernel, core24, snapd, pc and network-manager (published by "canonical"), and the brand's account
 * and account-key for `publicKeyBody`: what the stand-in ubuntu-image fetches where the real one asks the Snap Store.
 */
export function standInStore(
  dir: string,
  oracle: string,
  brand: string,
  publicKeyBody: string,
  kernel: SnapTree = standInKernel(),
  gadgetAssets: SnapTree['files'] = PC_GADGET_ASSETS,
): StandInStore {
  const store = new TestStore(dir, oracle);
  store.addBrand(brand, publicKeyBody);
  const pcGadget = packSnapTree(standInGadget(standInPcGadgetYaml(), { assets: gadgetAssets }));
  store.publish(packSnapTree(kernel), 'pc-kernel', { id: STORE_IDS['pc-kernel'], publisher: 'canonical', revision: 1 });
  store.publish(packSnapTree(standInBase()), 'core24', { id: STORE_IDS.core24, publisher: 'canonical', revision: 2 });
  store.publish(packSnapTree(standInSnapd()), 'snapd', { id: STORE_IDS.snapd, publisher: 'canonical', revision: 3 });
  store.publish(pcGadget, 'pc', { id: STORE_IDS.pc, publisher: 'canonical', revision: 4 });
  // The example's extra store snap.
  store.publish(packSnapTree(standInApp('network-manager')), 'network-manager', {
    id: STORE_IDS['network-manager'],
    publisher: 'canonical',
    revision: 6,
  });
  return { store, env: { STANDIN_SEED_WRITER: oracle, STANDIN_STORE: dir }, pcGadget };
}

/** snapd's seed reader on a seed folder (seed.Open + LoadAssertions + LoadMeta). */
export function readSeed(oracle: string, seedDir: string, label: string): SeedVerdict {
  const r = spawnSync(oracle, ['read', seedDir, label], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`seed oracle read failed: ${r.stderr}`);
  return JSON.parse(r.stdout) as SeedVerdict;
}
