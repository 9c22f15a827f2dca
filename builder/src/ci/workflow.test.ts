import { parse } from 'yaml';
import { describe, expect, it } from 'vitest';
import { projectConfig } from '../../../test/helpers/project-config.js';
import { renderWorkflow } from './workflow.js';

describe('ci workflow', () => {
  it('is valid YAML that builds with snapcraft and boot-tests the snap and the image with KVM', () => {
    const wf = parse(renderWorkflow(projectConfig({}, '/repo'), 'coreforge.yaml')) as { jobs: { image: { 'runs-on': string; steps: { run?: string }[] } } };
    expect(wf.jobs.image['runs-on']).toBe('ubuntu-24.04');
    const runs = wf.jobs.image.steps.map((s) => s.run ?? '').join('\n');
    expect(runs).toContain('sudo snap install ubuntu-image --classic');
    expect(runs).toContain('npx coreforge build -c coreforge.yaml --snapcraft');
    expect(runs).toContain('npx coreforge test --snap out/classifier_*_amd64.snap --arch amd64 --accel kvm');
    expect(runs).toContain('sudo env "PATH=$PATH" npx coreforge test --snapd out/classifier_*_amd64.snap --accel kvm --cache-dir .coreforge/snapd-vm --junit out/junit-snapd.xml');
    expect(runs).toContain('npx coreforge test --image out/acme-classifier-pc.img --arch amd64 --accel kvm');
  });
});
