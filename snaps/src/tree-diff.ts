// What changed between two revisions of a snap, file by file (from their unpacked trees' sizes and hashes).
import { partOf, type SnapPart } from './parts.js';

export interface TreeEntry {
  readonly size: number;
  readonly sha256: string;
}

export interface TreeDiff {
  readonly added: readonly string[];
  readonly removed: readonly string[];
  readonly changed: readonly string[];
  /** Bytes of the new versions of added and changed files. */
  readonly changedBytes: number;
}

export function diffTrees(before: ReadonlyMap<string, TreeEntry>, after: ReadonlyMap<string, TreeEntry>): TreeDiff {
  const added: string[] = [];
  const removed: string[] = [];
  const changed: string[] = [];
  let changedBytes = 0;
  for (const [rel, entry] of after) {
    const old = before.get(rel);
    if (!old) {
      added.push(rel);
      changedBytes += entry.size;
    } else if (old.sha256 !== entry.sha256) {
      changed.push(rel);
      changedBytes += entry.size;
    }
  }
  for (const rel of before.keys()) if (!after.has(rel)) removed.push(rel);
  return { added: added.sort(), removed: removed.sort(), changed: changed.sort(), changedBytes };
}

/** The snap parts (node, runtime, model, ...) that a diff touches, sorted. */
export function changedParts(diff: TreeDiff): SnapPart[] {
  return [...new Set([...diff.added, ...diff.removed, ...diff.changed].map(partOf))].sort();
}
