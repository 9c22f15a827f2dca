#!/usr/bin/env node
// The coreforge binary: the one place that reads argv, installs signal handlers and exits (STYLE P14).
import process from 'node:process';
import { run, spawn } from '../tools/run.js';
import type { CliContext } from './context.js';
import { createProgram } from './program.js';
import { reportError } from './report-error.js';

async function main(argv: readonly string[]): Promise<number> {
  const controller = new AbortController();
  const onSignal = () => controller.abort(new Error('interrupted'));
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  let exitCode = 0;
  const ctx: CliContext = {
    cwd: process.cwd(),
    env: process.env,
    out: (text) => process.stdout.write(text.endsWith('\n') ? text : `${text}\n`),
    err: (text) => process.stderr.write(text.endsWith('\n') ? text : `${text}\n`),
    isTTY: Boolean(process.stdout.isTTY) && !process.env.CI,
    run,
    spawn,
    signal: controller.signal,
    setExitCode: (code) => {
      exitCode = code;
    },
  };
  try {
    await createProgram(ctx).parseAsync(argv as string[], { from: 'node' });
    return controller.signal.aborted ? 130 : exitCode;
  } catch (error) {
    const report = reportError(controller.signal.aborted ? Object.assign(new Error('interrupted'), { name: 'ExitPromptError' }) : error);
    if (report.text) process.stderr.write(`${report.text}\n`);
    return report.exitCode;
  } finally {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
  }
}

process.exitCode = await main(process.argv);
// Stray handles (a child that ignored SIGTERM) must not keep a finished CLI alive.
process.exit();
