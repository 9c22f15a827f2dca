// `coreforge gadget validate` on malformed gadget.yaml files: one error line naming the path (or snapd's rule),
// a hint for shape errors, exit 1, never an internal error (exit 70) or a stack trace.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { createProgram } from '../../builder/src/cli/program.js';
import { reportError } from '../../builder/src/cli/report-error.js';
import { run, spawn } from '../../builder/src/tools/run.js';
import { GOLDEN, MUTATIONS } from '../fixtures/gadget/mutations.js';
import { runCli } from '../helpers/cli.js';

/** The CLI in this process: the same program and error report as the binary's main(), without the process. */
async function cliInProcess(args: string[], cwd: string): Promise<{ exitCode: number; stderr: string }> {
  let stderr = '';
  const ctx = {
    cwd,
    env: process.env,
    out: () => {},
    err: (t: string) => void (stderr += `${t}\n`),
    isTTY: false,
    run,
    spawn,
    signal: new AbortController().signal,
    setExitCode: () => {},
  };
  try {
    await createProgram(ctx).parseAsync(['node', 'coreforge', ...args], { from: 'node' });
    return { exitCode: 0, stderr };
  } catch (e) {
    const r = reportError(e);
    return { exitCode: r.exitCode, stderr: stderr + r.text };
  }
}

const tmp = mkdtempSync(path.join(tmpdir(), 'coreforge-cli-gadget-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

describe('coreforge gadget validate', () => {
  it('accepts the golden file', () => {
    writeFileSync(path.join(tmp, 'gadget.yaml'), GOLDEN);
    expect(runCli(['gadget', 'validate', 'gadget.yaml'], { cwd: tmp })).toMatchObject({
      exitCode: 0,
      stdout: 'gadget.yaml: valid\n',
      stderr: '',
    });
  });

  const write = (i: number, find: string, replace: string) => {
    const dir = path.join(tmp, String(i));
    mkdirSync(dir, { recursive: true });
    writeFileSync(path.join(dir, 'gadget.yaml'), GOLDEN.replace(find, replace));
    return dir;
  };

  it(`reports each of ${MUTATIONS.length} malformed files with its path and exit 1, never 70`, async () => {
    const got = [];
    for (const [i, [label, find, replace]] of MUTATIONS.entries()) {
      const r = await cliInProcess(['gadget', 'validate', 'gadget.yaml'], write(i, find, replace));
      got.push([label, r.exitCode, r.stderr.split('\n')[0]]);
    }
    expect(got).toEqual(MUTATIONS.map(([label, , , message]) => [label, 1, `error: ${message}`]));
  });

  it('does the same through the installed binary (every 8th row)', () => {
    const rows = MUTATIONS.filter((_, i) => i % 8 === 0);
    const got = rows.map(([label, find, replace], i) => {
      const r = runCli(['gadget', 'validate', 'gadget.yaml'], { cwd: write(1000 + i, find, replace) });
      expect(r.stderr).not.toMatch(/^\s+at /m);
      return [label, r.exitCode, r.stderr.split('\n')[0]];
    });
    expect(got).toEqual(rows.map(([label, , , message]) => [label, 1, `error: ${message}`]));
  }, 60_000);

  it('reports a YAML syntax error with the file name', () => {
    writeFileSync(path.join(tmp, 'bad.yaml'), 'volumes: [\n');
    const r = runCli(['gadget', 'validate', 'bad.yaml'], { cwd: tmp });
    expect(r.exitCode).toBe(1);
    expect(r.stderr).toMatch(/^error: cannot read gadget\.yaml "bad\.yaml": /);
  });
});
