#!/usr/bin/env node
// The project's test command: runs vitest's fast and slow projects and prints the plain closing line
// `N passed, N failed, N skipped` that CI reads. COREFORGE_SKIP_SLOW=1 skips the slow project and says so.
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { startVitest } from 'vitest/node';

// TFLite 2.19 (the library projects ship by default) comes from ../shared/tflite beside the checkout unless
// COREFORGE_TFLITE_DIR names another folder of linux-x64/ and linux-arm64/ builds (README "Which TFLite").
const sharedTflite = fileURLToPath(new URL('../../shared/tflite', import.meta.url));
if (!process.env.COREFORGE_TFLITE_DIR && existsSync(sharedTflite)) process.env.COREFORGE_TFLITE_DIR = sharedTflite;

const skipSlow = process.env.COREFORGE_SKIP_SLOW === '1';
const filters = process.argv.slice(2);
const projects = skipSlow ? ['fast'] : ['fast', 'slow'];
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
if (onlyRpcTimeouts) console.log(`${errors.length} vitest worker RPC timeout(s) on a busy machine: not test failures`);
if (unhandled > 0) console.log(`${unhandled} unhandled error(s) outside the tests (see above): counted as failed`);
failed += unhandled;
await vitest?.close();
console.log(`${passed} passed, ${failed} failed, ${skipped} skipped`);
// vitest sets a failing exit code for any unhandled error, the RPC timeouts included; our count decides.
process.exitCode = failed > 0 || (process.exitCode && !onlyRpcTimeouts) ? 1 : 0;
