import { parse } from 'yaml';
import { describe, expect, it } from 'vitest';
import { projectConfig } from '../../../test/helpers/project-config.js';
import { DEFAULT_PHOTO_URL, renderWorkflow } from './workflow.js';

describe('ci workflow', () => {
  it('downloads the default photo, or uses the one in the repository, and puts the project file and output folder in every path', () => {
    const config = projectConfig({ output: '/repo/vision/build' }, '/repo/vision');
    const wf = parse(renderWorkflow(config, { projectFile: 'vision/coreforge.yaml', expect: '653' })) as {
      jobs: Record<string, { steps: { run?: string }[] }>;
    };
    const runs = Object.values(wf.jobs)
      .flatMap((j) => j.steps.map((s) => s.run ?? ''))
      .join('\n');
    expect(runs).toContain(`curl -fsSL -o "$RUNNER_TEMP/photo.bmp" ${DEFAULT_PHOTO_URL}`);
    expect(runs).toContain('npx --no-install coreforge build -c vision/coreforge.yaml');
    expect(runs).toContain(
      'npx --no-install coreforge test --snap vision/build/classifier_*_amd64.snap --arch amd64 --image-file "$RUNNER_TEMP/photo.bmp" --expect "653"',
    );
    const own = renderWorkflow(config, {
      projectFile: 'vision/coreforge.yaml',
      expect: 'Egyptian cat',
      photo: 'test/cat.jpg',
    });
    expect(own).not.toContain(DEFAULT_PHOTO_URL);
    expect(own).toContain('--image-file "test/cat.jpg" --expect "Egyptian cat"');
  });
  it('runs the snapd VM test for an amd64 project only, after the smoke VM, with its disk cached', () => {
    const amd = renderWorkflow(projectConfig({}, '/repo'), { projectFile: 'coreforge.yaml', expect: '653' });
    expect(amd).toContain(
      'npx --no-install coreforge test --snapd out/classifier_*_amd64.snap --image-file "$RUNNER_TEMP/photo.bmp" --expect "653" --cache-dir .coreforge/snapd-vm',
    );
    expect(amd.indexOf('test --snapd')).toBeGreaterThan(amd.indexOf('test --snap '));
    expect(amd).toContain('apt-get install -y --no-install-recommends mmdebstrap');
    const arm = renderWorkflow(projectConfig({ target: 'pi-arm64', arch: 'arm64' } as never, '/repo'), {
      projectFile: 'coreforge.yaml',
      expect: '653',
    });
    expect(arm).not.toContain('--cache-dir .coreforge/snapd-vm');
  });
});
