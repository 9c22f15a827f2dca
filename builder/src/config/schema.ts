// The project file's JSON Schema (published as builder/schemas/coreforge.schema.json), compiled once with ajv,
// and ajv's errors turned into located, human messages.
import { Ajv, type ErrorObject, type ValidateFunction } from 'ajv';
import { closest, distance } from 'fastest-levenshtein';
import { fileURLToPath } from 'node:url';
import type { YamlSource } from './document.js';
import { PROJECT_SCHEMA } from './project-schema.js';
import { formatPath, showValue, type ConfigProblem, type PathSegment } from './problem.js';

/** Absolute path of the published schema (for `# yaml-language-server: $schema=` lines). */
export const SCHEMA_FILE = fileURLToPath(new URL('../../schemas/coreforge.schema.json', import.meta.url));

/** The schema's one definition (project-schema.ts); the published file is written from it. */
const SCHEMA: JsonSchema = PROJECT_SCHEMA;
export { PROJECT_SCHEMA };

interface JsonSchema {
  readonly type?: string;
  readonly enum?: readonly unknown[];
  readonly properties?: Readonly<Record<string, JsonSchema>>;
  readonly items?: JsonSchema;
  readonly minimum?: number;
  readonly maximum?: number;
  readonly 'x-pattern-message'?: string;
  readonly [key: string]: unknown;
}

let compiled: ValidateFunction | undefined;

function validator(): ValidateFunction {
  if (!compiled) {
    const ajv = new Ajv({ allErrors: true, verbose: true, strict: true, useDefaults: false });
    ajv.addKeyword({ keyword: 'x-pattern-message', schemaType: 'string' });
    compiled = ajv.compile(SCHEMA);
  }
  return compiled;
}

export function checkSchema(source: YamlSource): ConfigProblem[] {
  const validate = validator();
  if (validate(source.data)) return [];
  const problems: ConfigProblem[] = [];
  const seen = new Set<string>();
  const errors = validate.errors ?? [];
  // Each problem is located and given a suggestion: a few dozen say what is wrong; 50k would only take time.
  for (const error of errors.slice(0, MAX_PROBLEMS)) {
    const problem = describe(error, source);
    const id = `${problem.path}\0${problem.message}`;
    if (!seen.has(id)) {
      seen.add(id);
      problems.push(problem);
    }
  }
  problems.sort((a, b) => (a.line ?? 0) - (b.line ?? 0) || (a.column ?? 0) - (b.column ?? 0));
  if (errors.length > MAX_PROBLEMS)
    problems.push({ path: '', message: `and ${errors.length - MAX_PROBLEMS} more problems not shown` });
  return problems;
}

const MAX_PROBLEMS = 50;

function segmentsOf(pointer: string, data: unknown): PathSegment[] {
  const segments: PathSegment[] = [];
  let node = data;
  for (const raw of pointer.split('/').slice(1)) {
    const key = raw.replace(/~1/g, '/').replace(/~0/g, '~');
    const segment: PathSegment = Array.isArray(node) ? Number(key) : key;
    segments.push(segment);
    node = (node as Record<string | number, unknown> | undefined)?.[segment];
  }
  return segments;
}

const TYPE_NAMES: Record<string, string> = {
  string: 'a string',
  integer: 'an integer',
  number: 'a number',
  object: 'a map',
  array: 'a list',
  boolean: 'true or false',
};

function suggestion(word: string, candidates: readonly string[]): string {
  if (candidates.length === 0) return '';
  const best = closest(word, candidates as string[]);
  return distance(word, best) <= Math.max(2, Math.floor(best.length / 3)) ? ` (did you mean "${best}"?)` : '';
}

function describe(error: ErrorObject, source: YamlSource): ConfigProblem {
  const at = segmentsOf(error.instancePath, source.data);
  const schema = (error.parentSchema ?? {}) as JsonSchema;
  const located = (segments: PathSegment[], key = false) => ({
    path: formatPath(segments),
    ...source.locate(segments, { key }),
  });
  switch (error.keyword) {
    case 'additionalProperty':
    case 'additionalProperties': {
      const name = String(error.params.additionalProperty);
      const known = Object.keys(schema.properties ?? {});
      return {
        ...located([...at, name], true),
        message: `unknown key${suggestion(name, known)}; expected one of: ${known.join(', ')}`,
      };
    }
    case 'required':
      return { ...located(at), message: `missing required key "${String(error.params.missingProperty)}"` };
    case 'type':
      return {
        ...located(at),
        message: `expected ${TYPE_NAMES[String(error.params.type)] ?? String(error.params.type)}, found ${showValue(error.data)}`,
      };
    case 'enum': {
      const allowed = (schema.enum ?? []).map(String);
      const hint = typeof error.data === 'string' ? suggestion(error.data, allowed) : '';
      return { ...located(at), message: `expected one of ${allowed.join('|')}, found ${showValue(error.data)}${hint}` };
    }
    case 'pattern':
      return {
        ...located(at),
        message: `expected ${schema['x-pattern-message'] ?? `a value matching ${String(error.params.pattern)}`}, found ${showValue(error.data)}`,
      };
    case 'minimum':
    case 'maximum':
      return {
        ...located(at),
        message: `expected ${TYPE_NAMES[schema.type ?? 'number']} from ${schema.minimum} to ${schema.maximum}, found ${showValue(error.data)}`,
      };
    case 'minLength':
      return {
        ...located(at),
        message: `expected at least ${String(error.params.limit)} character(s), found ${showValue(error.data)}`,
      };
    case 'maxLength':
      return {
        ...located(at),
        message: `expected at most ${String(error.params.limit)} characters, found ${String(error.data).length}`,
      };
    case 'minItems':
      return { ...located(at), message: `expected at least ${String(error.params.limit)} item(s)` };
    case 'uniqueItems':
      return { ...located(at), message: `expected no duplicates, found ${showValue(error.data)}` };
    default:
      return { ...located(at), message: error.message ?? `is invalid (${error.keyword})` };
  }
}
