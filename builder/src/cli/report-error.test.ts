import { describe, expect, it } from 'vitest';
import { GadgetError } from '@coreforge/gadget';
import { ModelAssertionError } from '@coreforge/model-assertions';
import { BuilderError, ToolError } from '../errors.js';
import { reportError } from './report-error.js';

describe('reportError: the one place errors become output and exit codes', () => {
  it('prints an expected error as message + hint, no stack', () => {
    const r = reportError(
      new BuilderError('TOOL_NOT_FOUND', 'cannot run "xdelta3": command not found', 'sudo apt-get install xdelta3'),
    );
    expect(r).toEqual({
      text: 'error: cannot run "xdelta3": command not found\nhint: sudo apt-get install xdelta3',
      exitCode: 1,
    });
  });

  it("honours an expected error exit code, and other packages' typed errors", () => {
    expect(reportError(new BuilderError('CANCELLED', 'build cancelled', undefined, { exitCode: 130 })).exitCode).toBe(
      130,
    );
    expect(reportError(new GadgetError('GADGET_INVALID', 'volume "pc": bad'))).toEqual({
      text: 'error: volume "pc": bad',
      exitCode: 1,
    });
    expect(
      reportError(new ModelAssertionError('MODEL_HEADER_INVALID', '"gadget" header is mandatory', 'add gadget')),
    ).toEqual({ text: 'error: "gadget" header is mandatory\nhint: add gadget', exitCode: 1 });
  });

  it('recognises our errors by their brand: a look-alike with the same name and a code is an internal error', () => {
    const lookalike = Object.assign(new Error('volume "pc": bad'), { name: 'GadgetError', code: 'GADGET_INVALID' });
    expect(reportError(lookalike).exitCode).toBe(70);
  });

  it('prints a failed tool as message + hint, and keeps what ran as fields', () => {
    const e = new ToolError('TOOL_FAILED', '"snap pack x" failed (exit code 1):\nerror: bad', {
      command: 'snap pack x',
      toolExitCode: 1,
      stderr: 'error: bad',
    });
    expect(e).toMatchObject({
      code: 'TOOL_FAILED',
      command: 'snap pack x',
      toolExitCode: 1,
      stderr: 'error: bad',
      exitCode: 1,
    });
    expect(reportError(e)).toEqual({ text: 'error: "snap pack x" failed (exit code 1):\nerror: bad', exitCode: 1 });
  });

  it('prints an internal error with its stack and says it is a bug', () => {
    const error = new TypeError('x is undefined');
    const r = reportError(error);
    expect(r.exitCode).toBe(70);
    expect(r.text.split('\n')[0]).toBe(
      'internal error: this is a bug in coreforge, please open an issue at https://github.com/coreforge/coreforge/issues with this output',
    );
    expect(r.text).toContain('TypeError: x is undefined\n    at ');
  });

  it('exits 130 quietly on Ctrl-C in a prompt', () => {
    const e = Object.assign(new Error('User force closed the prompt'), { name: 'ExitPromptError' });
    expect(reportError(e)).toEqual({ text: '', exitCode: 130 });
  });
});
