// Labels files: one label per line, plain ("military uniform") or indexed ("653:military uniform" / "653 military uniform").
import { readFile } from 'node:fs/promises';
import { RuntimeError } from './errors.js';

export function parseLabels(text: string): string[] {
  const lines = text.split(/\r?\n/);
  while (lines.length > 0 && lines.at(-1)!.trim() === '') lines.pop();
  const indexed = lines.length > 0 && lines.every((l) => /^\s*\d+[:\s]\s*\S/.test(l));
  if (!indexed) return lines.map((l) => l.trim());
  const labels: string[] = [];
  for (const line of lines) {
    const m = /^\s*(\d+)[:\s]\s*(.*?)\s*$/.exec(line)!;
    labels[Number(m[1])] = m[2]!;
  }
  return Array.from(labels, (l) => l ?? '');
}

export async function readLabels(file: string): Promise<string[]> {
  try {
    return parseLabels(await readFile(file, 'utf8'));
  } catch (error) {
    throw new RuntimeError('LABELS_INVALID', `cannot read labels file "${file}": ${(error as NodeJS.ErrnoException).code === 'ENOENT' ? 'it does not exist' : (error as Error).message}`, undefined, { cause: error });
  }
}
