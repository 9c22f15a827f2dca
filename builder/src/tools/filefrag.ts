// filefrag (e2fsprogs, on every Debian/Ubuntu host) adapter: pure argv builder and parser; run.ts runs it.
// It prints a file's extents from the FIEMAP ioctl, the same source bmaptool create reads, so the .bmap lists
// exactly the ranges the image builder wrote (zeros it wrote included: a GPT's empty partition entries
// must reach the card) and leaves out only holes.

/** -s: sync first (delayed allocation has no extents yet); -e: extent format; units = the filesystem's block size. */
export function filefragArgs(file: string): string[] {
  return ['-s', '-e', file];
}

export interface FileExtents {
  readonly blockSize: number;
  readonly size: number;
  /** Inclusive logical block ranges, sorted and merged when adjacent. */
  readonly ranges: readonly { readonly first: number; readonly last: number }[];
}

/**
 * "File size of x.img is 67108864 (16384 blocks of 4096 bytes)" then rows
 * "   0:        0..       4:    9818112..   9818116:      5:   flags". Undefined when the output has no header.
 */
export function parseFilefrag(stdout: string): FileExtents | undefined {
  const header = /File size of .* is (\d+) \((\d+) blocks? of (\d+) bytes\)/.exec(stdout);
  if (!header) return undefined;
  const size = Number(header[1]);
  const blockSize = Number(header[3]);
  const blocks = Math.ceil(size / blockSize);
  const ranges: { first: number; last: number }[] = [];
  for (const m of stdout.matchAll(/^\s*\d+:\s+(\d+)\.\.\s*(\d+):/gm)) {
    const first = Number(m[1]);
    const last = Math.min(Number(m[2]), blocks - 1);
    if (first > last) continue;
    const previous = ranges.at(-1);
    if (previous && first <= previous.last + 1) previous.last = Math.max(previous.last, last);
    else ranges.push({ first, last });
  }
  return { blockSize, size, ranges };
}
