// Reads YAML text into plain data plus a locator that maps a field path back to line and column.
import { isMap, isPair, isScalar, isSeq, LineCounter, parseDocument, type Node } from 'yaml';
import type { ConfigProblem, PathSegment } from './problem.js';

export interface YamlSource {
  readonly data: unknown;
  /** Position of the value at `path`; with `key: true`, of the key naming it (for unknown keys). */
  locate(path: readonly PathSegment[], options?: { key?: boolean }): { line: number; column: number } | undefined;
}

export type ReadYamlResult = { ok: true; source: YamlSource } | { ok: false; problems: ConfigProblem[] };

export function readYaml(text: string): ReadYamlResult {
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter, prettyErrors: false, uniqueKeys: true, strict: true });
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
  return {
    ok: true,
    source: {
      data: doc.toJS({ maxAliasCount: 100 }) as unknown,
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
        const target = options.key && keyNode && typeof keyNode === 'object' && 'range' in keyNode ? (keyNode as Node) : last;
        return target?.range ? at(target.range[0]) : undefined;
      },
    },
  };
}

function firstLine(message: string): string {
  return message.split('\n')[0]!.replace(/ at line \d+, column \d+:?$/, '');
}
