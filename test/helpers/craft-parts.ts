// Runs a snapcraft.yaml's parts the way craft-parts' plugins do, offline, for tests (not a snapcraft stand-in:
// every command here is the real tool). Read from canonical/craft-parts (sources/tar_source.py, plugins/
// dump_plugin.py, nil_plugin.py, npm_plugin.py):
// - pull: a `tar` source is extracted with its common leading folder stripped (npm's `package/`); a `file`
//   source is copied into the part's src; an https source is downloaded and checked against `source-checksum`
//   (here: the caller hands over the already fetched file, and we check the checksum);
// - build in a copy of src, with CRAFT_PART_INSTALL, CRAFT_STAGE, CRAFT_ARCH_BUILD_FOR and `build-environment`
//   exported: `override-build` when given, else the plugin's commands: dump `cp --archive --link
//   --no-dereference . "$CRAFT_PART_INSTALL"`, nil nothing, npm (npm >= 10)
//   `npm install -g --prefix "${CRAFT_PART_INSTALL}" --install-links "${PWD}"`, here with `--offline --cache`;
// - organize renames in the install dir, `stage` keeps the listed paths, then `prime` drops `-` entries.
// What is not run: npm-include-node's download of Node from nodejs.org (the host's node/npm build the part, and
// the host's node binary is put at $CRAFT_PART_INSTALL/bin/node as that tarball would), and stage-packages.
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { cpSync, existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync } from 'node:fs';
import path from 'node:path';
import { parse } from 'yaml';

export interface PartDef {
  plugin: 'nil' | 'dump' | 'npm';
  source?: string;
  'source-type'?: 'tar' | 'file' | 'local';
  'source-checksum'?: string;
  'override-build'?: string;
  'build-environment'?: Record<string, string>[];
  organize?: Record<string, string>;
  stage?: string[];
  prime?: string[];
  after?: string[];
}

export interface PartsRun {
  /** The project folder (holds snap/snapcraft.yaml). */
  readonly projectDir: string;
  /** Work folder: parts/<name>/{src,build,install}, stage/, prime/. */
  readonly workDir: string;
  /** Files for https sources (by URL), already downloaded. */
  readonly downloads: Readonly<Record<string, string>>;
  /** npm cache holding the npm part's dependencies (for --offline). */
  readonly npmCache: string;
  readonly arch: 'amd64' | 'arm64';
  /** Only these parts (default: all, in `after` order). */
  readonly only?: readonly string[];
}

export class PartFailed extends Error {
  constructor(
    readonly part: string,
    readonly step: string,
    readonly output: string,
  ) {
    super(`part "${part}" failed to ${step}:\n${output.split('\n').slice(-30).join('\n')}`);
  }
}

function sh(part: string, step: string, script: string, cwd: string, env: Record<string, string>): string {
  const r = spawnSync('/bin/bash', ['-euo', 'pipefail', '-c', script], {
    cwd,
    env: { ...process.env, ...env },
    encoding: 'utf8',
    timeout: 600_000,
  });
  const output = `${r.stdout ?? ''}${r.stderr ?? ''}`;
  if (r.status !== 0) throw new PartFailed(part, step, output || String(r.error));
  return output;
}

function pull(name: string, def: PartDef, run: PartsRun, src: string): void {
  mkdirSync(src, { recursive: true });
  if (def.source === undefined) return;
  if (/^https?:/.test(def.source)) {
    const file = run.downloads[def.source];
    if (!file) throw new PartFailed(name, 'pull', `no download given for ${def.source}`);
    const [algo, hex] = (def['source-checksum'] ?? '').split('/');
    const actual = createHash(algo ?? 'sha512')
      .update(readFileSync(file))
      .digest('hex');
    if (actual !== hex) throw new PartFailed(name, 'pull', `checksum mismatch for ${def.source}: ${actual}`);
    sh(name, 'pull', `tar -xzf "${file}" -C "${src}" --strip-components=1 --no-same-owner`, src, {});
    return;
  }
  const source = path.resolve(run.projectDir, def.source);
  if (!source.startsWith(`${path.resolve(run.projectDir)}${path.sep}`))
    throw new PartFailed(name, 'pull', `source "${def.source}" is outside the project`);
  if (!existsSync(source)) throw new PartFailed(name, 'pull', `source "${def.source}" does not exist in the project`);
  const type = def['source-type'] ?? (/\.(tgz|tar\.gz|tar)$/.test(source) ? 'tar' : 'local');
  if (type === 'file') cpSync(source, path.join(src, path.basename(source)));
  else if (type === 'tar') {
    const listing = spawnSync('tar', ['-tzf', source], { encoding: 'utf8' });
    if (listing.status !== 0) throw new PartFailed(name, 'pull', listing.stderr);
    const members = listing.stdout.split('\n').filter(Boolean);
    const top = members[0]!.split('/')[0]!;
    const stray = members.find((m) => m !== top && !m.startsWith(`${top}/`));
    if (stray !== undefined)
      throw new PartFailed(name, 'pull', `tarball has no common leading folder ("${top}" vs "${stray}")`);
    sh(name, 'pull', `tar -xzf "${source}" -C "${src}" --strip-components=1 --no-same-owner`, src, {});
  } else cpSync(source, src, { recursive: true });
}

const PLUGIN_BUILD: Record<PartDef['plugin'], (npmCache: string) => string> = {
  dump: () => 'cp --archive --link --no-dereference . "$CRAFT_PART_INSTALL"',
  nil: () => '',
  npm: (cache) =>
    `npm install -g --prefix "\${CRAFT_PART_INSTALL}" --install-links "\${PWD}" --offline --cache "${cache}" --no-audit --no-fund`,
};

function matches(rel: string, pattern: string): boolean {
  if (pattern.startsWith('**/*')) return rel.endsWith(pattern.slice(4));
  return rel === pattern || rel.startsWith(`${pattern}/`);
}

function walk(root: string, rel = ''): string[] {
  const out: string[] = [];
  for (const e of readdirSync(path.join(root, rel), { withFileTypes: true })) {
    const child = rel ? `${rel}/${e.name}` : e.name;
    if (e.isDirectory() && !e.isSymbolicLink()) out.push(...walk(root, child));
    else out.push(child);
  }
  return out;
}

function copyFiltered(from: string, to: string, keep: (rel: string) => boolean): void {
  for (const rel of walk(from)) {
    if (!keep(rel)) continue;
    mkdirSync(path.dirname(path.join(to, rel)), { recursive: true });
    cpSync(path.join(from, rel), path.join(to, rel), { verbatimSymlinks: true, force: true });
  }
}

function order(parts: Record<string, PartDef>): string[] {
  const done: string[] = [];
  const visit = (n: string) => {
    if (done.includes(n)) return;
    for (const a of parts[n]?.after ?? []) visit(a);
    done.push(n);
  };
  for (const n of Object.keys(parts)) visit(n);
  return done;
}

/** Pulls, builds, stages and primes the parts; returns the prime folder. Throws PartFailed. */
export function runParts(run: PartsRun): { prime: string; logs: Record<string, string> } {
  const doc = parse(readFileSync(path.join(run.projectDir, 'snap', 'snapcraft.yaml'), 'utf8')) as {
    parts: Record<string, PartDef>;
  };
  const stage = path.join(run.workDir, 'stage');
  const prime = path.join(run.workDir, 'prime');
  rmSync(run.workDir, { recursive: true, force: true });
  mkdirSync(stage, { recursive: true });
  mkdirSync(prime, { recursive: true });
  const logs: Record<string, string> = {};
  for (const name of order(doc.parts)) {
    if (run.only && !run.only.includes(name)) continue;
    const def = doc.parts[name]!;
    const base = path.join(run.workDir, 'parts', name);
    const [src, build, install] = ['src', 'build', 'install'].map((d) => path.join(base, d)) as [
      string,
      string,
      string,
    ];
    pull(name, def, run, src);
    cpSync(src, build, { recursive: true });
    mkdirSync(install, { recursive: true });
    const env: Record<string, string> = {
      CRAFT_PART_INSTALL: install,
      CRAFT_STAGE: stage,
      CRAFT_ARCH_BUILD_FOR: run.arch,
      CRAFT_PART_NAME: name,
    };
    const exports = (def['build-environment'] ?? [])
      .flatMap((e) => Object.entries(e))
      .map(([k, v]) => `export ${k}="${v}"`)
      .join('\n');
    if (def.plugin === 'npm') {
      // npm-include-node's tarball puts node at bin/node; the host's node stands in for it (see above).
      mkdirSync(path.join(install, 'bin'), { recursive: true });
      cpSync(process.execPath, path.join(install, 'bin', 'node'));
    }
    logs[name] = sh(
      name,
      'build',
      `${exports}\n${def['override-build'] ?? PLUGIN_BUILD[def.plugin](run.npmCache)}`,
      build,
      env,
    );
    for (const [from, to] of Object.entries(def.organize ?? {})) {
      mkdirSync(path.dirname(path.join(install, to)), { recursive: true });
      renameSync(path.join(install, from), path.join(install, to));
    }
    const stageList = def.stage ?? [];
    copyFiltered(install, stage, (rel) => stageList.length === 0 || stageList.some((p) => matches(rel, p)));
    const drop = (def.prime ?? []).filter((p) => p.startsWith('-')).map((p) => p.slice(1));
    const partFiles = new Set(walk(install));
    copyFiltered(stage, prime, (rel) => partFiles.has(rel) && !drop.some((p) => matches(rel, p)));
  }
  return { prime, logs };
}
