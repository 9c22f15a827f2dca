// The README's two opening commands, as a user runs them from the repository root.
//  - `bash examples/run.sh` runs whole (setup is a no-op on a set-up machine), bounded by a 30-minute timeout;
//    it must end with the smoke VM's PASS line.
//  - `npm test` runs the whole suite, which this test is part of, so it is run bounded: COREFORGE_SKIP_SLOW=1 and
//    one small test file as its filter; it must print the skip notice and end with the closing line CI reads.
import { execFile } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { REPO_ROOT } from '../helpers/cli.js';

/** Without blocking the test worker: a synchronous spawn of minutes times out vitest's RPC. */
function run(
  cmd: string,
  args: string[],
  env: NodeJS.ProcessEnv,
  timeout: number,
): Promise<{ status: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(
      cmd,
      args,
      { cwd: REPO_ROOT, env, encoding: 'utf8', timeout, maxBuffer: 64 * 1024 * 1024 },
      (error, stdout, stderr) => {
        const code = (error as { code?: unknown } | null)?.code;
        resolve({ status: error ? (typeof code === 'number' ? code : -1) : 0, stdout, stderr });
      },
    );
  });
}

/** The user's environment: without this test run's own VITEST* variables. */
const userEnv = (extra: Record<string, string>): NodeJS.ProcessEnv => ({
  ...Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('VITEST'))),
  ...extra,
});

describe("the README's opening commands", () => {
  it('bash examples/run.sh packs the example snap and classifies the photo inside the VM', async () => {
    const r = await run('bash', ['examples/run.sh'], userEnv({ NO_COLOR: '1' }), 1_800_000);
    expect(r.status, `${r.stdout.slice(-2000)}\n${r.stderr.slice(-2000)}`).toBe(0);
    expect(r.stdout).toMatch(/^PASS: snap boot test of classifier_0\.1\.0_amd64\.snap \(amd64, tcg\)$/m);
    expect(r.stdout).toMatch(/^\s+result:\s+0\.\d{6}: 653:military uniform \(expected military uniform\)$/m);
  }, 1_900_000);

  it('npm test ends with the "N passed, N failed, N skipped" line', async () => {
    const r = await run(
      'npm',
      ['test', '--', 'builder/src/ci/workflow.test.ts'],
      userEnv({ COREFORGE_SKIP_SLOW: '1' }),
      600_000,
    );
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout).toContain('skipping slow suites (QEMU boots, fuzzing, snap packing): COREFORGE_SKIP_SLOW=1');
    // The file's own test count changes as tests are added; what this command promises is the line's shape.
    expect(r.stdout.trimEnd().split('\n').at(-1)).toMatch(/^[1-9]\d* passed, 0 failed, 0 skipped$/);
  }, 700_000);
});
