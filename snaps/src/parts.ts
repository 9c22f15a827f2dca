// Which snap part a file in the inference snap belongs to (for the size report and delta summaries).
export const SNAP_PARTS = [
  'node',
  'runtime',
  'dependencies',
  'tflite',
  'edgetpu',
  'model',
  'labels',
  'launchers',
  'meta',
] as const;
export type SnapPart = (typeof SNAP_PARTS)[number];

export function partOf(rel: string): SnapPart {
  if (rel === 'bin/node') return 'node';
  if (rel.startsWith('runtime/node_modules/')) return 'dependencies';
  if (rel.startsWith('runtime/')) return 'runtime';
  if (rel.startsWith('lib/') && rel.includes('tensorflowlite')) return 'tflite';
  if (rel.startsWith('usr/') || rel.startsWith('lib/')) return 'edgetpu';
  if (rel.startsWith('model/')) return rel.endsWith('.tflite') ? 'model' : 'labels';
  if (rel.startsWith('bin/')) return 'launchers';
  return 'meta';
}
