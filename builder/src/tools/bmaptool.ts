// bmaptool (Debian's bmap-tools) adapter: pure argv builder and progress parser; run.ts runs it.
// `-d` makes it log "wrote N blocks out of M (P%)" after every batch, which is our progress.

export interface BmaptoolCopyOptions {
  readonly bmap: string;
  readonly image: string;
  readonly target: string;
}

export function bmaptoolCopyArgs(o: BmaptoolCopyOptions): string[] {
  return ['-d', 'copy', '--bmap', o.bmap, o.image, o.target];
}

/** "bmaptool: debug: wrote 256 blocks out of 5120 (5%)" -> { blocks: 256, of: 5120 }. */
export function parseBmaptoolProgress(line: string): { blocks: number; of: number } | undefined {
  const m = /wrote (\d+) blocks out of (\d+)/.exec(line);
  return m ? { blocks: Number(m[1]), of: Number(m[2]) } : undefined;
}
