// Reads YAML text into plain data plus a locator that maps a field path back to line and column.
import { isMap, isPair, isScalar, isSeq, LineCounter, parseDocument, type Node } from 'yaml';
import type { ConfigProblem, PathSegment } from './problem.js';

export interface YamlSource {
  readonly data: unknown;
  /** Position of the value at `path`; with `key: true`, of the key naming it (for unknown keys). */
  locate(path: readonly PathSegment[], options?: { key?: boolean }): { line: number; column: number } | undefined;
}

export type ReadYamlResult = { ok: true; source: YamlSource } | { ok: false; problems: ConfigProblem[] };

/** Alias expansions allowed when turning the document into data (a "billion laughs" file stops here). */
export const MAX_ALIAS_COUNT = 100;

/**
 * Duplicate keys, found in one pass with a Set per map (the yaml package's own `uniqueKeys` check compares
 * every key with every other: 32k keys took over a minute).
 */
function duplicateKeys(root: unknown, at: (offset: number) => { line: number; column: number }): ConfigProblem[] {
  const problems: ConfigProblem[] = [];
  const stack: unknown[] = [root];
  while (stack.length > 0) {
    const node = stack.pop();
    if (isMap(node)) {
      const seen = new Set<unknown>();
      for (const pair of node.items) {
        const key = isScalar(pair.key) ? pair.key.value : pair.key;
        if (isScalar(pair.key) && seen.has(key) && problems.length < 20)
          problems.push({
            path: '',
            message: 'invalid YAML: Map keys must be unique',
            ...(pair.key.range ? at(pair.key.range[0]) : {}),
          });
        seen.add(key);
        stack.push(pair.value);
      }
    } else if (isSeq(node)) stack.push(...node.items);
  }
  return problems;
}

export function readYaml(text: string): ReadYamlResult {
  const lineCounter = new LineCounter();
  let doc;
  try {
    doc = parseDocument(text, { lineCounter, prettyErrors: false, uniqueKeys: false, strict: true });
  } catch (error) {
    // The parser's own limits (e.g. nesting deep enough to exhaust the stack).
    return {
      ok: false,
      problems: [{ path: '', message: `invalid YAML: ${firstLine((error as Error).message)}`, line: 1, column: 1 }],
    };
  }
  if (doc.errors.length > 0) {
    return {
      ok: false,
      problems: doc.errors.map((e) => {
        const pos = lineCounter.linePos(e.pos[0]);
        return { path: '', message: `invalid YAML: ${firstLine(e.message)}`, line: pos.line, column: pos.col };
      }),
    };
  }
  const at = (offset: number) => {
    const pos = lineCounter.linePos(offset);
    return { line: pos.line, column: pos.col };
  };
  const duplicates = duplicateKeys(doc.contents, at);
  if (duplicates.length > 0) return { ok: false, problems: duplicates };
  let data: unknown;
  try {
    data = doc.toJS({ maxAliasCount: MAX_ALIAS_COUNT });
  } catch (error) {
    const message =
      error instanceof ReferenceError && /alias/i.test(error.message)
        ? `invalid YAML: its aliases expand to too much data (more than ${MAX_ALIAS_COUNT} alias expansions): a YAML bomb?`
        : `invalid YAML: ${firstLine((error as Error).message)}`;
    return { ok: false, problems: [{ path: '', message, line: 1, column: 1 }] };
  }
  return {
    ok: true,
    source: {
      data,
      locate(path, options = {}) {
        let node: unknown = doc.contents;
        let keyNode: unknown;
        let last: Node | undefined = doc.contents ?? undefined;
        for (const segment of path) {
          keyNode = undefined;
          if (isMap(node)) {
            const pair = node.items.find((item) => isPair(item) && isScalar(item.key) && item.key.value === segment);
            if (!pair) break;
            keyNode = pair.key;
            node = pair.value;
          } else if (isSeq(node) && typeof segment === 'number') {
            node = node.items[segment];
          } else break;
          if (node && typeof node === 'object' && 'range' in node) last = node as Node;
        }
        const target =
          options.key && keyNode && typeof keyNode === 'object' && 'range' in keyNode ? (keyNode as Node) : last;
        return target?.range ? at(target.range[0]) : undefined;
      },
    },
  };
}

function firstLine(message: string): string {
  return message.split('\n')[0]!.replace(/ at line \d+, column \d+:?$/, '');
}
