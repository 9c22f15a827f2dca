// Labels files: one label per line, plain ("military uniform") or indexed ("653:military uniform" / "653 military uniform").
// Indexes are bounded by the model's class count (a 13-byte "100000000:x" must not allocate 100 million slots).
import { RuntimeError } from './errors.js';
import { MAX_LABELS_BYTES } from './limits.js';
import { readRegularFile } from './read-file.js';

/** An index beyond this is refused even before the model's class count is known. */
export const MAX_LABEL_INDEX = 1_000_000;

export function parseLabels(text: string, classes = MAX_LABEL_INDEX, file = 'labels'): string[] {
  const lines = text.split(/\r?\n/);
  while (lines.length > 0 && lines.at(-1)!.trim() === '') lines.pop();
  const indexed = lines.length > 0 && lines.every((l) => /^\s*\d+[:\s]\s*\S/.test(l));
  // Plain lines cost what the (size-capped) file holds; a count that differs from the model's is a warning.
  if (!indexed) return lines.map((l) => l.trim());
  const labels: string[] = [];
  lines.forEach((line, i) => {
    const m = /^\s*(\d+)[:\s]\s*(.*?)\s*$/.exec(line)!;
    const index = Number(m[1]);
    if (index >= classes) {
      const bound =
        classes === MAX_LABEL_INDEX
          ? `the limit is ${MAX_LABEL_INDEX}`
          : `the model has ${classes} classes (0 to ${classes - 1})`;
      throw new RuntimeError(
        'LABELS_INVALID',
        `cannot read labels file "${file}": line ${i + 1} has index ${m[1]!.slice(0, 20)}, ${bound}`,
      );
    }
    labels[index] = m[2]!;
  });
  return Array.from(labels, (l) => l ?? '');
}

/** The text of a labels file (a regular file of at most 8 MiB); parse it with the model's class count. */
export async function readLabelsText(file: string): Promise<string> {
  const data = await readRegularFile(file, {
    what: 'labels file',
    maxBytes: MAX_LABELS_BYTES,
    missing: 'LABELS_INVALID',
    invalid: 'LABELS_INVALID',
  });
  return data.toString('utf8');
}
