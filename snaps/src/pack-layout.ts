// What goes where in the inference snap the offline packer stages (pure: builder copies the files, checks them
// and runs the tools). Two parts: the base (Node, the runtime, its dependencies, the addon, TFLite, launchers),
// packed once per content, and the top (model, labels, hook, snap.yaml), appended on every pack.
import { renderSnapYaml } from './render-snap-yaml.js';
import {
  renderClassifyScript,
  renderConfigureHook,
  renderEnvScript,
  renderServeScript,
  SNAP_LAYOUT,
} from './scripts.js';
import type { SnapArch, SnapSpec } from './spec.js';

/** Fixed timestamp for every file in the snap (also passed to snap pack as SOURCE_DATE_EPOCH). 2024-01-01T00:00:00Z. */
export const SNAP_EPOCH = 1_704_067_200;

/** What never goes into the snap: source maps, type declarations, docs, headers, C/C++ sources, build files, tests. */
const EXCLUDE = [
  /\.map$/,
  /\.d\.[cm]?ts$/,
  /\.tsbuildinfo$/,
  /(^|\/)(README|CHANGELOG|HISTORY|CONTRIBUTING|AUTHORS)(\.[a-z]+)?$/i,
  /\.(md|markdown)$/i,
  /\.(h|hh|hpp|c|cc|cpp|gyp|gypi)$/,
  /(^|\/)(include|docs?|test|tests|__tests__|\.github)\//,
  /(^|\/)\.[^/]+$/,
];

export function isShipped(rel: string): boolean {
  return !EXCLUDE.some((re) => re.test(rel));
}

/** Top-level folders of the part appended on every pack; everything else is in the packed base. */
export const TOP_DIRS: readonly string[] = ['model', 'meta'];

/** The runtime's addon inside the runtime package (and so at `runtime/<this>` in the snap). */
export const RUNTIME_ADDON = 'build/Release/coreforge_tflite.node';

/** Dependencies needed only to build the addon, never at run time. */
export const BUILD_ONLY_DEPENDENCIES: readonly string[] = ['node-addon-api', 'node-gyp'];

/** Dependencies the packer stages on its own (TFLite's library as the tflite part, the addon as the runtime's build). */
export const STAGED_SEPARATELY: readonly string[] = [
  'tfjs-tflite-node',
  '@coreforge/runtime-linux-x64',
  '@coreforge/runtime-linux-arm64',
];

/** The dependencies (of a `dependencies` or `optionalDependencies` map) that go into `runtime/node_modules`. */
export function stagedDependencies(deps: Readonly<Record<string, string>> | undefined): Record<string, string> {
  return Object.fromEntries(
    Object.entries(deps ?? {}).filter(([n]) => !BUILD_ONLY_DEPENDENCIES.includes(n) && !STAGED_SEPARATELY.includes(n)),
  );
}

/** The runtime's package.json as shipped: only what Node needs at run time (no scripts, no devDependencies). */
export function shippedRuntimePackageJson(pkg: Readonly<Record<string, unknown>>): Record<string, unknown> {
  const slim: Record<string, unknown> = {};
  for (const key of ['name', 'version', 'type', 'license', 'main', 'exports', 'imports', 'bin', 'dependencies'])
    if (pkg[key] !== undefined) slim[key] = pkg[key];
  if (slim.dependencies)
    slim.dependencies = Object.fromEntries(
      Object.entries(slim.dependencies as Record<string, string>).filter(([n]) => !STAGED_SEPARATELY.includes(n)),
    );
  return slim;
}

/** The runtime package's folders that ship (`runtime/<folder>/...`); a missing `scripts/` is fine. */
export const RUNTIME_FOLDERS = ['dist', 'bin', 'scripts'] as const;
export type RuntimeFolder = (typeof RUNTIME_FOLDERS)[number];

/** The runtime's install-time scripts: not needed on the device. */
const BUILD_TIME_SCRIPTS: readonly string[] = ['install.cjs', 'pack-prebuilt.mjs'];

/** Whether `rel` (inside the runtime's `folder`) goes into the snap. */
export function isShippedRuntimeFile(folder: RuntimeFolder, rel: string): boolean {
  return isShipped(rel) && !(folder === 'scripts' && BUILD_TIME_SCRIPTS.includes(rel));
}

/** A file of the staged node_modules folder (`sharp/lib/index.js`): judged by its path inside its package. */
export function isShippedDependencyFile(rel: string): boolean {
  return isShipped(rel.replace(/^(?:(?:@[^/]+\/)?[^/]+\/node_modules\/)*(?:@[^/]+\/)?[^/]+\//, ''));
}

/** One file of the staged tree: copied from `source` (its mode normalised), or written from `text` with `mode`. */
export type LayoutEntry =
  | { readonly rel: string; readonly source: string }
  | { readonly rel: string; readonly text: string; readonly mode: number };

/** The files on this host the offline snap is made of (builder finds, fetches and builds them). */
export interface PackLayoutInputs {
  /** The (stripped) Node binary for the snap's architecture. */
  readonly node: string;
  /** The runtime package's package.json, as read. */
  readonly runtimePackageJson: Readonly<Record<string, unknown>>;
  /** The runtime's files: `rel` inside `folder`; filtered here with isShippedRuntimeFile. */
  readonly runtimeFiles: readonly { readonly folder: RuntimeFolder; readonly rel: string; readonly source: string }[];
  /** The addon for the snap's architecture, when there is one. */
  readonly addon?: string;
  /** The production dependencies npm staged: `rel` inside that node_modules folder; filtered here with isShippedDependencyFile. */
  readonly dependencies: readonly { readonly rel: string; readonly source: string }[];
  readonly tflite: string;
  readonly model: string;
  readonly labels: string;
}

export interface PackLayout {
  readonly base: readonly LayoutEntry[];
  readonly top: readonly LayoutEntry[];
}

/** Where every file of the offline-packed inference snap goes, and which part (base or top) it is in. */
export function packLayout(spec: SnapSpec, arch: SnapArch, inputs: PackLayoutInputs): PackLayout {
  const base: LayoutEntry[] = [{ rel: SNAP_LAYOUT.node, source: inputs.node }];
  base.push({
    rel: 'runtime/package.json',
    text: `${JSON.stringify(shippedRuntimePackageJson(inputs.runtimePackageJson), null, 2)}\n`,
    mode: 0o644,
  });
  for (const f of inputs.runtimeFiles)
    if (isShippedRuntimeFile(f.folder, f.rel)) base.push({ rel: `runtime/${f.folder}/${f.rel}`, source: f.source });
  if (inputs.addon) base.push({ rel: `runtime/${RUNTIME_ADDON}`, source: inputs.addon });
  for (const d of inputs.dependencies)
    if (isShippedDependencyFile(d.rel)) base.push({ rel: `runtime/node_modules/${d.rel}`, source: d.source });
  base.push({ rel: SNAP_LAYOUT.tfliteLib, source: inputs.tflite });
  base.push({ rel: SNAP_LAYOUT.env, text: renderEnvScript(spec), mode: 0o644 });
  base.push({ rel: SNAP_LAYOUT.classify, text: renderClassifyScript(spec), mode: 0o755 });
  base.push({ rel: SNAP_LAYOUT.serve, text: renderServeScript(spec), mode: 0o755 });
  const top: LayoutEntry[] = [
    { rel: `${SNAP_LAYOUT.modelDir}/${spec.model.name}`, source: inputs.model },
    { rel: `${SNAP_LAYOUT.modelDir}/${spec.labels.name}`, source: inputs.labels },
    { rel: SNAP_LAYOUT.configureHook, text: renderConfigureHook(spec), mode: 0o755 },
    { rel: 'meta/snap.yaml', text: renderSnapYaml(spec, arch), mode: 0o644 },
  ];
  const inTop = (e: LayoutEntry) => TOP_DIRS.includes(e.rel.split('/')[0]!);
  const misplaced = [...base.filter(inTop), ...top.filter((e) => !inTop(e))];
  if (misplaced.length > 0) throw new Error(`snap layout: ${misplaced.map((e) => e.rel).join(', ')} in the wrong part`);
  return { base, top };
}
