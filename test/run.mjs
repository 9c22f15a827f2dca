#!/usr/bin/env node
// The project's test command: runs vitest's projects and prints the plain closing line
// `N passed, N failed, N skipped` that CI reads. COREFORGE_SKIP_SLOW=1 skips the slow projects and says so.
//
// A whole run goes in two lanes, two vitest processes side by side: `vm` (the files that boot QEMU) and `rest`
// (fast, slow). One vitest runs its files one at a time on a 2-core machine (its forks pool takes
// availableParallelism() - 1 workers), and a QEMU boot under TCG keeps one core busy: alone, the boots left the
// second core mostly idle for half an hour. Each lane prints its own count line; the last line is their sum.
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { startVitest } from 'vitest/node';

// TFLite 2.19 (the library projects ship by default) comes from ../shared/tflite beside the checkout unless
// COREFORGE_TFLITE_DIR names another folder of linux-x64/ and linux-arm64/ builds (README "Which TFLite").
const sharedTflite = fileURLToPath(new URL('../../shared/tflite', import.meta.url));
if (!process.env.COREFORGE_TFLITE_DIR && existsSync(sharedTflite)) process.env.COREFORGE_TFLITE_DIR = sharedTflite;

const skipSlow = process.env.COREFORGE_SKIP_SLOW === '1';
const filters = process.argv.slice(2);
const LANES = { vm: ['vm'], rest: ['fast', 'slow'] };
// A lane's own settings, taken out of the environment so that nothing the tests start (a nested `npm test`) inherits them.
const lane = process.env.COREFORGE_TEST_LANE;
const countsFile = process.env.COREFORGE_TEST_COUNTS;
delete process.env.COREFORGE_TEST_LANE;
delete process.env.COREFORGE_TEST_COUNTS;
if (lane !== undefined && !(lane in LANES)) throw new Error(`COREFORGE_TEST_LANE=${lane}: expected vm or rest`);
const countLine = (c) => `${c.passed} passed, ${c.failed} failed, ${c.skipped} skipped`;

if (!skipSlow && filters.length === 0 && lane === undefined) {
  const dir = mkdtempSync(path.join(tmpdir(), 'coreforge-lanes-'));
  const runLane = (name) =>
    new Promise((resolve) => {
      const laneCounts = path.join(dir, `${name}.json`);
      const child = spawn(process.execPath, [fileURLToPath(import.meta.url)], {
        stdio: 'inherit',
        env: { ...process.env, COREFORGE_TEST_LANE: name, COREFORGE_TEST_COUNTS: laneCounts },
      });
      child.on('close', (code, signal) => {
        // A lane that died before writing its counts (a crash, a signal) ran nothing that can count as passed.
        const counts = existsSync(laneCounts)
          ? JSON.parse(readFileSync(laneCounts, 'utf8'))
          : { passed: 0, failed: 1, skipped: 0 };
        resolve({ ...counts, ok: code === 0 && signal === null });
      });
    });
  const results = await Promise.all(Object.keys(LANES).map(runLane));
  rmSync(dir, { recursive: true, force: true });
  const total = { passed: 0, failed: 0, skipped: 0 };
  for (const r of results) for (const k of Object.keys(total)) total[k] += r[k];
  // A lane whose vitest failed for a reason no test shows (a crash of the runner itself) fails the run.
  for (const [i, r] of results.entries())
    if (!r.ok && r.failed === 0) {
      console.log(`lane ${Object.keys(LANES)[i]} exited unsuccessfully with no failed test: counted as failed`);
      total.failed += 1;
    }
  console.log(countLine(total));
  process.exitCode = total.failed > 0 ? 1 : 0;
} else {
  await runProjects(lane ? LANES[lane] : skipSlow ? ['fast'] : ['fast', 'slow', 'vm']);
}

async function runProjects(projects) {
  if (skipSlow) console.log('skipping slow suites (QEMU boots, fuzzing, snap packing): COREFORGE_SKIP_SLOW=1');

  const vitest = await startVitest('test', filters, { watch: false, project: projects });
  let passed = 0;
  let failed = 0;
  let skipped = 0;
  // A test counts as failed when it failed itself or when a suite around it failed (a beforeAll that threw or
  // timed out leaves its tests unrun, and vitest marks them skipped): such a test never ran, so it did not pass.
  const walk = (tasks, enclosingFailed) => {
    for (const t of tasks) {
      if (t.type === 'suite') walk(t.tasks, enclosingFailed || t.result?.state === 'fail');
      else if (t.result?.state === 'pass') passed++;
      else if (t.result?.state === 'fail' || (enclosingFailed && t.result !== undefined)) failed++;
      else if (t.mode === 'skip' || t.mode === 'todo') skipped++;
    }
  };
  for (const file of vitest?.state.getFiles() ?? []) {
    const fileFailed = file.result?.state === 'fail';
    if (fileFailed && (file.tasks?.length ?? 0) === 0) failed++;
    walk(file.tasks ?? [], fileFailed);
  }
  // Errors vitest caught outside any test may hide a false pass: each one counts as a failure. The one exception
  // is vitest's own worker-to-runner RPC timeout ("[vitest-worker]: Timeout calling ..."), which a busy machine
  // causes: it delays a report, and every test's own result is still counted above.
  const isRpcTimeout = (e) => /^\[vitest-worker\]: Timeout calling/.test(String(e?.message ?? ''));
  const errors = vitest?.state.getUnhandledErrors() ?? [];
  const unhandled = errors.filter((e) => !isRpcTimeout(e)).length;
  const onlyRpcTimeouts = errors.length > 0 && unhandled === 0;
  if (onlyRpcTimeouts)
    console.log(`${errors.length} vitest worker RPC timeout(s) on a busy machine: not test failures`);
  if (unhandled > 0) console.log(`${unhandled} unhandled error(s) outside the tests (see above): counted as failed`);
  failed += unhandled;
  await vitest?.close();
  const counts = { passed, failed, skipped };
  if (countsFile) writeFileSync(countsFile, JSON.stringify(counts));
  console.log(`${lane ? `lane ${lane}: ` : ''}${countLine(counts)}`);
  // vitest sets a failing exit code for any unhandled error, the RPC timeouts included; our count decides.
  process.exitCode = failed > 0 || (process.exitCode && !onlyRpcTimeouts) ? 1 : 0;
}
