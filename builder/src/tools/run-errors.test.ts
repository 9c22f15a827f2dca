// The errors of the process wrapper carry what ran as fields (a real child: this Node).
import { describe, expect, it } from 'vitest';
import { isBuilderError, isExpectedError, ToolError } from '../errors.js';
import { run, runStream } from './run.js';

const node = process.execPath;
const failing = ['-e', 'process.stderr.write("line 1\\nno space for you\\n"); process.exit(3)'];

describe('tool errors are fields, not text', () => {
  it('run: a non-zero exit is a ToolError with the command, the exit code and stderr', async () => {
    const e = await run(node, failing).catch((x: unknown) => x);
    expect(e).toBeInstanceOf(ToolError);
    expect(e).toMatchObject({
      code: 'TOOL_FAILED',
      command: `${node} ${failing.join(' ')}`,
      toolExitCode: 3,
      signal: undefined,
      stderr: 'line 1\nno space for you',
      exitCode: 1,
    });
    expect(isBuilderError(e) && isExpectedError(e)).toBe(true);
  });

  it('run: a timeout is a ToolError TOOL_TIMEOUT naming the command and the signal', async () => {
    const e = await run(node, ['-e', 'setTimeout(() => {}, 60_000)'], { timeout: 200 }).catch((x: unknown) => x);
    expect(e).toMatchObject({
      code: 'TOOL_TIMEOUT',
      command: `${node} -e setTimeout(() => {}, 60_000)`,
      signal: 'SIGTERM',
      toolExitCode: undefined,
    });
  });

  it('runStream: a non-zero exit carries the same fields', async () => {
    const { stdout, done } = runStream(node, failing);
    stdout.resume();
    const e = await done.catch((x: unknown) => x);
    expect(e).toMatchObject({
      code: 'TOOL_FAILED',
      command: `${node} ${failing.join(' ')}`,
      toolExitCode: 3,
      stderr: 'line 1\nno space for you',
    });
  });

  it('a missing tool stays TOOL_NOT_FOUND (not a ToolError: nothing ran)', async () => {
    const e = await run('coreforge-no-such-tool', []).catch((x: unknown) => x);
    expect(e).toMatchObject({ code: 'TOOL_NOT_FOUND' });
    expect(e).not.toBeInstanceOf(ToolError);
  });
});
