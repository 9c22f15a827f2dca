import { describe, expect, it } from 'vitest';
import { projectConfig } from '../../../test/helpers/project-config.js';
import { TOOL_CHECKS } from '../doctor/checks.js';
import { STAGES } from '../pipeline/stages.js';
import { checkTools } from './preflight.js';
import { installHint, TOOLS } from './registry.js';

const variants = [
  projectConfig(),
  projectConfig({ target: 'pi-arm64', arch: 'arm64', signing: { key: 'k', backend: 'gpg' } }),
  projectConfig({ image: { compression: 'xz' } }),
];

describe('the one registry of tools', () => {
  it('has an install hint for every tool a stage runs, and doctor probes each of them', () => {
    const required = new Set<string>();
    for (const config of variants)
      for (const snapcraft of [false, true])
        for (const stage of STAGES)
          for (const t of stage.requiredTools({ config, options: { snapcraft } })) required.add(t);
    expect([...required].sort()).toEqual(
      expect.arrayContaining([
        'aarch64-linux-gnu-g++',
        'aarch64-linux-gnu-strip',
        'mksquashfs',
        'npm',
        'snap',
        'snapcraft',
        'ubuntu-image',
        'unsquashfs',
        'x86_64-linux-gnu-strip',
        'xz',
      ]),
    );
    const probed = new Set(TOOL_CHECKS.map((t) => t.name));
    for (const tool of required) {
      expect(installHint(tool), tool).toMatch(/\S/);
      if (tool !== 'tar') expect(probed.has(tool), `doctor probes ${tool}`).toBe(true);
    }
    expect(new Set(TOOLS.map((t) => t.name)).size).toBe(TOOLS.length);
  });

  it('gives preflight the same hint run.ts and doctor print', async () => {
    const error = await checkTools(
      async (t) => t !== 'xz' && t !== 'x86_64-linux-gnu-strip',
      ['snap', 'xz', 'x86_64-linux-gnu-strip'],
    ).catch((e: unknown) => e);
    expect(error).toMatchObject({
      code: 'TOOL_NOT_FOUND',
      message: 'cannot build: missing tools "xz", "x86_64-linux-gnu-strip"',
      hint: 'xz: sudo apt-get install xz-utils; x86_64-linux-gnu-strip: sudo apt-get install binutils (run "coreforge doctor" for the full picture)',
    });
  });
});
