// The wizard's file questions: what a model or labels file must be, checked at the prompt, and the matching
// files in the project folder offered as choices. Reads files, never writes them.
import { checkModelData, parseLabels } from '@coreforge/runtime';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';

export type FileKind = 'model' | 'labels';

/** A model file that passed its check: how many classes its first output has (the last dimension). */
export interface ModelFileInfo {
  readonly classes: number | undefined;
  readonly customOps: readonly string[];
}

const MAX_DEPTH = 2;
const SKIP = new Set(['node_modules', '.git', 'out', 'dist']);
const EXTENSIONS: Readonly<Record<FileKind, readonly string[]>> = { model: ['.tflite'], labels: ['.txt', '.labels'] };

/** Files of a kind under `dir` (two folders deep, without node_modules, .git, out), relative, sorted. */
export function findCandidates(dir: string, kind: FileKind): string[] {
  const found: string[] = [];
  const walk = (rel: string, depth: number) => {
    let entries;
    try {
      entries = readdirSync(path.join(dir, rel), { withFileTypes: true });
    } catch {
      return;
    }
    for (const e of entries) {
      const child = rel ? `${rel}/${e.name}` : e.name;
      if (e.isDirectory() && depth < MAX_DEPTH && !SKIP.has(e.name) && !e.name.startsWith('.')) walk(child, depth + 1);
      else if (e.isFile() && EXTENSIONS[kind].some((x) => e.name.endsWith(x))) found.push(child);
    }
  };
  walk('', 0);
  return found.sort();
}

function readable(file: string, cwd: string, what: string): Buffer | string {
  const absolute = path.resolve(cwd, file);
  let stat;
  try {
    stat = statSync(absolute);
  } catch {
    return `"${file}" does not exist`;
  }
  if (stat.isDirectory()) return `"${file}" is a folder, expected a ${what}`;
  if (stat.size > 512 * 1024 * 1024) return `"${file}" is larger than 512 MiB, not a ${what}`;
  return readFileSync(absolute);
}

/** Checks a model file the way the runtime will (TFLite flatbuffer, sound offsets); returns its class count or the problem. */
export function inspectModelFile(file: string, cwd: string): ModelFileInfo | string {
  if (file.trim() === '') return 'expected the path of a .tflite model';
  const data = readable(file, cwd, 'TFLite model');
  if (typeof data === 'string') return data;
  try {
    const summary = checkModelData(data, file);
    const classes = summary.outputShape.at(-1);
    return { classes: classes !== undefined && classes > 0 ? classes : undefined, customOps: summary.customOps };
  } catch (error) {
    return `"${file}" is not a usable TensorFlow Lite model: ${(error as Error).message.replace(/^cannot load model "[^"]*": /, '')}`;
  }
}

/** Checks a labels file: text, one label per line, as many labels as the model has classes (when known). */
export function checkLabelsFile(file: string, cwd: string, classes: number | undefined): true | string {
  if (file.trim() === '') return 'expected the path of a labels file (one label per line)';
  const data = readable(file, cwd, 'labels file');
  if (typeof data === 'string') return data;
  if (data.subarray(4, 8).toString('latin1') === 'TFL3')
    return `"${file}" is a TFLite model, expected a labels file (one label per line)`;
  if (data.includes(0)) return `"${file}" is a binary file, expected a labels file (one label per line)`;
  const labels = parseLabels(data.toString('utf8'));
  if (labels.length === 0) return `"${file}" is empty, expected one label per line`;
  if (classes !== undefined && labels.length !== classes)
    return `"${file}" has ${labels.length} labels but the model has ${classes} output classes`;
  return true;
}
