// Checks that every tool the selected stages need is installed, before the first stage runs (STYLE P7).
// Tools are looked up on PATH, not run: some (snap) hang without their daemon when asked for a version.
import { access, constants } from 'node:fs/promises';
import path from 'node:path';
import { BuilderError } from '../errors.js';
import { installHint } from './registry.js';

export type LocateTool = (tool: string) => Promise<boolean>;

export function pathLocator(pathVar: string | undefined): LocateTool {
  const dirs = (pathVar ?? '').split(path.delimiter).filter(Boolean);
  return async (tool) => {
    for (const dir of dirs)
      if (
        await access(path.join(dir, tool), constants.X_OK).then(
          () => true,
          () => false,
        )
      )
        return true;
    return false;
  };
}

export async function checkTools(locate: LocateTool, tools: readonly string[]): Promise<void> {
  const missing: string[] = [];
  for (const tool of tools) if (!(await locate(tool))) missing.push(tool);
  if (missing.length === 0) return;
  const hints = missing.map((t) => `${t}: ${installHint(t) ?? 'install it and make sure it is on PATH'}`);
  throw new BuilderError(
    'TOOL_NOT_FOUND',
    `cannot build: missing tool${missing.length > 1 ? 's' : ''} ${missing.map((t) => `"${t}"`).join(', ')}`,
    `${hints.join('; ')} (run "coreforge doctor" for the full picture)`,
  );
}
