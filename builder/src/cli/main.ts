#!/usr/bin/env node
// The coreforge binary: the one place that reads argv, installs signal handlers and exits (STYLE P14).
import process from 'node:process';
import { killAllChildren, run, spawn } from '../tools/run.js';
import type { CliContext } from './context.js';
import { createProgram } from './program.js';
import { reportError } from './report-error.js';

async function main(argv: readonly string[]): Promise<number> {
  const controller = new AbortController();
  // 128 + the signal's number, whatever a library's own handler would do (listr2's exits 127).
  let signalExit = 0;
  const onSignal = (signal: NodeJS.Signals) => {
    signalExit = signal === 'SIGTERM' ? 143 : 130;
    controller.abort(new Error('interrupted'));
    // Children started without our signal, too: their process groups go now, the build unwinds and cleans up.
    killAllChildren();
  };
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
    return controller.signal.aborted ? signalExit || 130 : exitCode;
  } catch (error) {
    if (controller.signal.aborted) return signalExit || 130;
    const report = reportError(error);
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
