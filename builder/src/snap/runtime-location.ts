// Where the packer takes the runtime from: the @coreforge/runtime package as Node resolves it from the builder
// (runtime/ in a checkout; node_modules/@coreforge/runtime where npm installed Coreforge), the node_modules
// folders above it (its dependencies), TFLite's library from tfjs-tflite-node, and the prebuilt addon package.
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { NODE_ARCH, type SnapArch } from '@coreforge/snaps';

export interface RuntimeLocation {
  readonly runtimeDir: string;
  /** node_modules folders Node would search from the runtime, nearest first. */
  readonly nodeModules: readonly string[];
}

const TFLITE_DIR: Readonly<Record<SnapArch, string>> = { amd64: 'linux_amd64', arm64: 'linux_arm64' };

export function locateRuntime(runtimeDir?: string): RuntimeLocation {
  const dir = runtimeDir ?? path.dirname(createRequire(import.meta.url).resolve('@coreforge/runtime/package.json'));
  const nodeModules: string[] = [];
  for (let d = dir; ; d = path.dirname(d)) {
    if (path.basename(d) !== 'node_modules') {
      const candidate = path.join(d, 'node_modules');
      if (existsSync(candidate)) nodeModules.push(candidate);
    }
    if (path.dirname(d) === d) break;
  }
  return { runtimeDir: dir, nodeModules };
}

function resolveFrom(loc: RuntimeLocation, request: string): string | undefined {
  try {
    return createRequire(path.join(loc.runtimeDir, 'package.json')).resolve(request);
  } catch {
    return undefined;
  }
}

/** libtensorflowlite_c.so for `arch` from the tfjs-tflite-node package the runtime depends on. */
export function tfliteLibraryFor(loc: RuntimeLocation, arch: SnapArch): string | undefined {
  const pkg = resolveFrom(loc, 'tfjs-tflite-node/package.json');
  return pkg && path.join(path.dirname(pkg), 'cc_deps', TFLITE_DIR[arch], 'libtensorflowlite_c.so');
}

/** The addon from the prebuilt package npm installed for `arch` (@coreforge/runtime-linux-x64 / -arm64), if any. */
export function prebuiltAddonFor(loc: RuntimeLocation, arch: SnapArch): string | undefined {
  return resolveFrom(loc, `@coreforge/runtime-linux-${NODE_ARCH[arch]}/coreforge_tflite.node`);
}
