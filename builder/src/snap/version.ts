// The inference snap's version: `inference.version`, else what snapcraft's `version: git` would make of the
// project folder (craft-parts GitSource.generate_version): `git describe --dirty`, a tag N commits back as
// `TAG+gitN.HASH`, a pure tag as itself, and an untagged repository as `0+git.HASH`.
import { SNAP_VERSION } from '@coreforge/snaps';
import type { ProjectConfig } from '../config/types.js';
import { BuilderError } from '../errors.js';
import type { Run } from '../tools/run.js';

const DESCRIBED = /^(?<tag>[a-zA-Z0-9.+~-]+)-(?<ahead>\d+)-g(?<commit>[0-9a-fA-F]+(?:-dirty)?)$/;

/** `git describe --dirty` output (or undefined when there is no tag) and `--always` output -> snap version. */
export function versionFromGitDescribe(described: string | undefined, always: string): string {
  if (described === undefined) return `0+git.${always.trim()}`;
  const m = DESCRIBED.exec(described.trim());
  if (!m?.groups) return described.trim();
  return `${m.groups.tag}+git${m.groups.ahead}.${m.groups.commit}`;
}

export async function resolveSnapVersion(config: ProjectConfig, run: Run): Promise<string> {
  if (config.inference.version !== undefined) return config.inference.version;
  const git = (args: string[]) =>
    run('git', ['-C', config.dir, 'describe', ...args], { reject: false, timeout: 30_000 });
  const described = await git(['--dirty']);
  let version: string;
  if (described.exitCode === 0) version = versionFromGitDescribe(described.stdout, '');
  else {
    const always = await git(['--dirty', '--always']);
    if (always.exitCode !== 0)
      throw new BuilderError(
        'INPUT_INVALID',
        `cannot choose a version for the inference snap: ${config.file} has no inference.version and "${config.dir}" is not a git repository`,
        'set inference.version in coreforge.yaml (for example 1.0.0), or tag the project: git tag 1.0.0',
      );
    version = versionFromGitDescribe(undefined, always.stdout);
  }
  if (!SNAP_VERSION.test(version))
    throw new BuilderError(
      'INPUT_INVALID',
      `cannot use "${version}" (from git describe in "${config.dir}") as the snap version: at most 32 letters, digits and . : + ~ -`,
      'set inference.version in coreforge.yaml, or use a shorter tag',
    );
  return version;
}
