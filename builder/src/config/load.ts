// Loads a project file: read -> schema -> normalize -> rules (STYLE P3). Returns a located report, or throws on request.
import path from 'node:path';
import { BuilderError } from '../errors.js';
import { readRegularFile } from '../fs/read-bounded.js';
import { readYaml, type YamlSource } from './document.js';
import { normalizeConfig } from './normalize.js';
import { formatProblem, type ConfigProblem, type PathSegment } from './problem.js';
import type { RawProject } from './raw.js';
import { applyRules, nodeRuleFs, type RuleFs } from './rules.js';
import { checkSchema } from './schema.js';
import type { ProjectConfig } from './types.js';

export const DEFAULT_PROJECT_FILE = 'coreforge.yaml';
/** A project file is a few KB; anything over this is refused before parsing. */
export const MAX_PROJECT_FILE_BYTES = 256 * 1024;

export interface LoadOptions {
  /** Environment for `${VAR}` expansion in paths (default: process.env). */
  readonly env?: Readonly<Record<string, string | undefined>>;
  readonly fs?: RuleFs;
}

export type ProjectFileReport =
  | {
      readonly ok: true;
      readonly file: string;
      readonly config: ProjectConfig;
      readonly warnings: readonly ConfigProblem[];
    }
  | {
      readonly ok: false;
      readonly file: string;
      readonly errors: readonly ConfigProblem[];
      readonly warnings: readonly ConfigProblem[];
    };

function parsePath(dotted: string): PathSegment[] {
  const segments: PathSegment[] = [];
  for (const m of dotted.matchAll(/([^.[\]]+)|\[(\d+)\]/g)) segments.push(m[2] !== undefined ? Number(m[2]) : m[1]!);
  return segments;
}

function locateAll(source: YamlSource, problems: readonly ConfigProblem[]): ConfigProblem[] {
  return problems
    .map((p) => (p.line !== undefined ? p : { ...p, ...source.locate(parsePath(p.path), { key: false }) }))
    .sort((a, b) => (a.line ?? 0) - (b.line ?? 0) || (a.column ?? 0) - (b.column ?? 0));
}

/** Reads and checks a project file; never throws for the file's content (only CONFIG_NOT_FOUND / CONFIG_UNREADABLE). */
export async function validateProjectFile(file: string, options: LoadOptions = {}): Promise<ProjectFileReport> {
  const absolute = path.resolve(file);
  const read_ = await readRegularFile(absolute, MAX_PROJECT_FILE_BYTES);
  if (!read_.ok) {
    if (read_.reason === 'missing')
      throw new BuilderError(
        'CONFIG_NOT_FOUND',
        `cannot read project file "${file}": it does not exist`,
        'create one with "coreforge init", or pass the file with --config FILE',
      );
    throw new BuilderError(
      'CONFIG_UNREADABLE',
      `cannot read project file "${file}": ${read_.detail}`,
      read_.reason === 'too-large'
        ? 'a coreforge.yaml is a few hundred lines; check that --config names the project file'
        : undefined,
    );
  }
  return validateProjectText(read_.data.toString('utf8'), file, options);
}

/** Checks project-file text as if it were at `file` (relative paths resolve against its folder); `init` checks before it writes. */
export function validateProjectText(text: string, file: string, options: LoadOptions = {}): ProjectFileReport {
  const absolute = path.resolve(file);
  const read = readYaml(text);
  if (!read.ok) return { ok: false, file, errors: read.problems, warnings: [] };
  const { source } = read;
  if (source.data === null || typeof source.data !== 'object' || Array.isArray(source.data))
    return {
      ok: false,
      file,
      errors: [
        {
          path: '',
          message:
            'expected a map of settings (name: ..., target: ...), found ' +
            (source.data === null ? 'an empty file' : 'something else'),
          line: 1,
          column: 1,
        },
      ],
      warnings: [],
    };
  const schemaProblems = checkSchema(source);
  if (schemaProblems.length > 0) return { ok: false, file, errors: schemaProblems, warnings: [] };
  const { config, problems } = normalizeConfig(source.data as RawProject, {
    file: absolute,
    env: options.env ?? process.env,
  });
  const given = (dotted: string) => {
    let node: unknown = source.data;
    for (const s of parsePath(dotted)) node = (node as Record<string | number, unknown> | undefined)?.[s];
    return node !== undefined;
  };
  const { errors, warnings } =
    problems.length > 0 ? { errors: problems, warnings: [] } : applyRules(config, given, options.fs ?? nodeRuleFs);
  return errors.length > 0
    ? { ok: false, file, errors: locateAll(source, errors), warnings: locateAll(source, warnings) }
    : { ok: true, file, config, warnings: locateAll(source, warnings) };
}

export function formatProblems(file: string, problems: readonly ConfigProblem[]): string {
  return problems.map((p) => formatProblem(file, p)).join('\n');
}

/** Loads a valid project or throws BuilderError CONFIG_INVALID listing every problem. */
export async function loadProjectConfig(file: string, options: LoadOptions = {}): Promise<ProjectConfig> {
  const report = await validateProjectFile(file, options);
  if (report.ok) return report.config;
  const n = report.errors.length;
  throw new BuilderError(
    'CONFIG_INVALID',
    `cannot load project file "${file}": ${n} problem${n === 1 ? '' : 's'}\n${formatProblems(file, report.errors)}`,
    `fix the file, then check it with: coreforge config validate ${file}`,
  );
}
