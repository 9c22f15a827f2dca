// The model assertion's revision: raised when what is signed changes, never lowered. The previous signed model
// (the one in the output folder) is the record: same brand and model with the same headers (timestamp aside)
// keeps its revision; any other change takes the next one.
import { modelHeaders, splitAssertion, type HeaderValue, type ModelSpec } from '@coreforge/model-assertions';

const IGNORED = new Set(['timestamp', 'revision', 'sign-key-sha3-384', 'body-length']);

/** Header values with map keys sorted at every level (a decoded assertion sorts them, a composed one need not). */
function sorted(v: HeaderValue): unknown {
  if (typeof v === 'string') return v;
  if (Array.isArray(v)) return v.map(sorted);
  return Object.keys(v)
    .sort()
    .map((k) => [k, sorted((v as Record<string, HeaderValue>)[k]!)]);
}

function canonical(h: Readonly<Record<string, HeaderValue>>): string {
  return JSON.stringify(
    Object.keys(h)
      .filter((k) => !IGNORED.has(k))
      .sort()
      .map((k) => [k, sorted(h[k]!)]),
  );
}

/** Revision for `next`, given the text of the previously signed model (undefined or unreadable: none). */
export function nextModelRevision(previousText: string | undefined, next: ModelSpec): number {
  if (previousText === undefined) return next.revision ?? 0;
  let prev: Record<string, HeaderValue>;
  try {
    prev = splitAssertion(previousText).headers;
  } catch {
    return next.revision ?? 0;
  }
  const now = modelHeaders(next);
  if (prev['brand-id'] !== now['brand-id'] || prev.model !== now.model) return next.revision ?? 0;
  const prevRevision = typeof prev.revision === 'string' ? Number(prev.revision) : 0;
  const wanted = Math.max(next.revision ?? 0, canonical(prev) === canonical(now) ? prevRevision : prevRevision + 1);
  return wanted;
}
