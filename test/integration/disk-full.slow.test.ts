// A full disk: the output folder on a small tmpfs (mounted by the test; needs root), the workdir elsewhere,
// so the image is moved across filesystems (EXDEV: copy + fsync + rename) and the copy hits ENOSPC. The
// error is printed once, with a hint, and no partial image is left in the output folder. ubuntu-image is the
// fault-injection fake (test/fake-bin-faults), which writes an image of the size asked for ($FAKE_IMAGE_MB).
import { execFileSync } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { REPO_ROOT, runCli, runCliAsync } from '../helpers/cli.js';
import { withFaultFakes } from '../helpers/fake-tools.js';
import { fixture } from '../helpers/fixtures.js';
import { projectYaml } from '../helpers/project-yaml.js';

const dir = mkdtempSync(path.join(tmpdir(), 'coreforge-disk-full-'));
const small = path.join(dir, 'small');
mkdirSync(small);
let mounted = false;
try {
  execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=96m', 'tmpfs', small], { stdio: 'pipe' });
  mounted = true;
} catch (error) {
  console.log(
    `skipping the full-disk test: cannot mount a small tmpfs (needs root): ${(error as Error).message.split('\n')[0]}`,
  );
}
afterAll(() => {
  if (mounted) execFileSync('umount', [small]);
  rmSync(dir, { recursive: true, force: true });
});

const env = withFaultFakes(process.env, {
  COREFORGE_KEYS_DIR: path.join(dir, 'keys'),
  COREFORGE_CACHE: process.env.COREFORGE_CACHE ?? path.join(REPO_ROOT, 'test', '.cache', 'coreforge'),
  FAKE_IMAGE_MB: '64',
});

beforeAll(() => {
  copyFileSync(fixture('models/mobilenet_v1_0.25_128_quant.tflite'), path.join(dir, 'model.tflite'));
  copyFileSync(fixture('models/imagenet_labels.txt'), path.join(dir, 'labels.txt'));
  writeFileSync(
    path.join(dir, 'coreforge.yaml'),
    projectYaml({ inference: { compression: 'lzo' }, signing: { key: 'acme-dev' }, output: small }),
  );
  expect(runCli(['keys', 'create', 'acme-dev'], { env }).exitCode).toBe(0);
}, 120_000);

it.skipIf(!mounted)(
  'a full output disk fails once, with a hint, and leaves no partial image',
  async () => {
    const r = await runCliAsync(
      ['build', '-c', path.join(dir, 'coreforge.yaml'), '--workdir', path.join(dir, 'work')],
      { env },
    );
    expect(r.exitCode).toBe(1);
    const errors = r.stderr.split('\n').filter((l) => l.startsWith('error: '));
    expect(errors).toHaveLength(1);
    expect(errors[0]).toMatch(
      new RegExp(
        `^error: stage "build-image" cannot write "${small}/\\.acme-classifier-pc\\.img\\.[0-9a-f]{12}\\.tmp": no space left on device$`,
      ),
    );
    expect(r.stderr).toContain('\nhint: free space on that filesystem, or build into a bigger one');
    // The task line says only the kind; the message (and its hint) is printed once.
    const all = `${r.stdout}\n${r.stderr}`;
    expect(all).toContain('[FAILED: disk full]');
    expect(all.match(/no space left/g)).toHaveLength(1);
    // The snap and model made it; no image, no temp file.
    expect(readdirSync(small).sort()).toEqual([
      '.coreforge-build.lock',
      'acme-classifier-pc.model',
      'classifier_0.1.0_amd64.snap',
    ]);
    expect(readdirSync(path.join(dir, 'work')).filter((f) => f === 'tmp')).toEqual([]);
  },
  600_000,
);
