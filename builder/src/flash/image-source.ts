// What is being flashed: the image file (.img.xz or .img), its size, the checksums the build wrote for it, and
// its block map. Found from the build's manifest.json, or beside an image named on the command line.
import { createHash } from 'node:crypto';
import { createReadStream, existsSync } from 'node:fs';
import { readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import { pipeline } from 'node:stream/promises';
import { BuilderError } from '../errors.js';
import type { Run, RunStream } from '../tools/run.js';
import { parseBmap, type Bmap } from './bmap.js';
import type { Span } from './write-image.js';

export interface ImageSource {
  /** Absolute path of the file to read (.img.xz or .img). */
  readonly file: string;
  readonly compressed: boolean;
  /** Bytes of the raw (decompressed) image. */
  readonly imageSize: number;
  /** sha256 of `file` as the build recorded it (.sha256 file or manifest). */
  readonly fileSha256?: string;
  /** sha256 of the raw image (manifest `rawImage`), when known. */
  readonly rawSha256?: string;
  readonly bmapFile?: string;
  readonly bmap?: Bmap;
  readonly manifest?: string;
}

interface ManifestFile {
  readonly file: string;
  readonly bytes: number;
  readonly sha256: string;
}

function manifestFile(value: unknown): ManifestFile | undefined {
  const v = value as Partial<ManifestFile> | null | undefined;
  return v && typeof v.file === 'string' && typeof v.sha256 === 'string' && typeof v.bytes === 'number'
    ? (v as ManifestFile)
    : undefined;
}

async function readManifest(
  file: string,
): Promise<{ image: ManifestFile; rawImage?: ManifestFile; bmap?: ManifestFile }> {
  let data: Record<string, unknown>;
  try {
    data = JSON.parse(await readFile(file, 'utf8')) as Record<string, unknown>;
  } catch (error) {
    const missing = (error as NodeJS.ErrnoException).code === 'ENOENT';
    throw new BuilderError(
      'FILE_NOT_FOUND',
      missing
        ? `cannot find the build manifest "${file}"`
        : `cannot read the build manifest "${file}": ${(error as Error).message}`,
      missing
        ? 'build the image first (coreforge build), or name the image: coreforge flash out/<model>.img.xz'
        : 'rebuild the image: coreforge build',
    );
  }
  const image = manifestFile(data.image);
  if (!image)
    throw new BuilderError(
      'INPUT_INVALID',
      `cannot use the build manifest "${file}": field "image" must be {file, bytes, sha256}`,
      'rebuild the image: coreforge build',
    );
  const rawImage = manifestFile(data.rawImage);
  const bmap = manifestFile(data.bmap);
  return { image, ...(rawImage && { rawImage }), ...(bmap && { bmap }) };
}

async function sha256Sidecar(file: string): Promise<string | undefined> {
  const sidecar = `${file}.sha256`;
  if (!existsSync(sidecar)) return undefined;
  const m = /^([0-9a-f]{64})\b/.exec(await readFile(sidecar, 'utf8'));
  if (!m)
    throw new BuilderError(
      'INPUT_INVALID',
      `cannot use "${sidecar}": expected "<sha256>  <file>"`,
      'rebuild the image: coreforge build',
    );
  return m[1];
}

/** bmaptool's naming: x.img.xz -> x.img.bmap (or x.img.xz.bmap). */
export function bmapCandidates(file: string): string[] {
  const base = file.replace(/\.(xz|gz|bz2|zst)$/, '');
  return [...new Set([`${base}.bmap`, `${file}.bmap`])];
}

/** Uncompressed size of an .xz file from its index (`xz --robot --list`: the "totals" line, field 5). */
export function parseXzListSize(stdout: string): number | undefined {
  const totals = stdout.split('\n').find((l) => l.startsWith('totals\t'));
  const size = Number(totals?.split('\t')[4]);
  return Number.isSafeInteger(size) ? size : undefined;
}

export interface ResolveImageOptions {
  /** IMAGE from the command line: an image file or a manifest.json; undefined = `defaultManifest`. */
  readonly image?: string;
  readonly defaultManifest: string;
  /** false: flash without the block map (--no-bmap). */
  readonly useBmap: boolean;
  readonly run: Run;
  readonly signal?: AbortSignal;
}

export async function resolveImage(o: ResolveImageOptions): Promise<ImageSource> {
  const named = o.image;
  let manifest: string | undefined;
  let file: string;
  if (!named || path.basename(named) === 'manifest.json') {
    manifest = named ?? o.defaultManifest;
    file = path.resolve(path.dirname(manifest), (await readManifest(manifest)).image.file);
  } else {
    file = named;
    const beside = path.join(path.dirname(file), 'manifest.json');
    if (existsSync(beside) && (await readManifest(beside).catch(() => undefined))?.image.file === path.basename(file))
      manifest = beside;
  }
  if (!existsSync(file))
    throw new BuilderError(
      'FILE_NOT_FOUND',
      `cannot flash "${file}": it does not exist`,
      'build it first: coreforge build',
    );
  const recorded = manifest ? await readManifest(manifest) : undefined;
  const compressed = file.endsWith('.xz');
  const fileSha256 = recorded?.image.sha256 ?? (await sha256Sidecar(file));
  let bmapFile: string | undefined;
  let bmap: Bmap | undefined;
  if (o.useBmap) {
    bmapFile = recorded?.bmap
      ? path.resolve(path.dirname(manifest!), recorded.bmap.file)
      : bmapCandidates(file).find((f) => existsSync(f));
    if (bmapFile) bmap = parseBmap(await readFile(bmapFile, 'utf8'), bmapFile);
  }
  let imageSize = bmap?.imageSize ?? recorded?.rawImage?.bytes;
  if (imageSize === undefined) {
    if (compressed) {
      const listed = await o.run('xz', ['--robot', '--list', file], { signal: o.signal });
      imageSize = parseXzListSize(listed.stdout);
      if (imageSize === undefined)
        throw new BuilderError(
          'INPUT_INVALID',
          `cannot flash "${file}": xz does not report its uncompressed size`,
          'check the file: xz --list FILE',
        );
    } else imageSize = (await stat(file)).size;
  }
  return {
    file,
    compressed,
    imageSize,
    ...(fileSha256 && { fileSha256 }),
    ...(recorded?.rawImage
      ? { rawSha256: recorded.rawImage.sha256 }
      : !compressed && fileSha256
        ? { rawSha256: fileSha256 }
        : {}),
    ...(bmapFile && bmap && { bmapFile, bmap }),
    ...(manifest && { manifest }),
  };
}

/** Checks the image file against the checksum the build recorded, before anything is written. */
export async function checkImageFile(source: ImageSource): Promise<void> {
  if (!source.fileSha256) return;
  const hash = createHash('sha256');
  await pipeline(createReadStream(source.file), hash);
  const actual = hash.digest('hex');
  if (actual !== source.fileSha256)
    throw new BuilderError(
      'INPUT_INVALID',
      `cannot flash "${source.file}": its sha256 is ${actual}, but the build recorded ${source.fileSha256}`,
      'the file is damaged or was replaced: rebuild it (coreforge build)',
    );
}

/** The raw image as a byte stream (xz -dc for .xz, through run.ts). `done` rejects if the decompressor fails. */
export function openImage(
  source: ImageSource,
  runStream: RunStream,
  signal?: AbortSignal,
): { stream: AsyncIterable<Uint8Array>; done: Promise<void> } {
  if (!source.compressed)
    return { stream: createReadStream(source.file, { highWaterMark: 4 * 1024 * 1024 }), done: Promise.resolve() };
  const child = runStream('xz', ['--decompress', '--stdout', '--threads=0', source.file], {
    ...(signal && { signal }),
  });
  return { stream: child.stdout, done: child.done.then(() => undefined) };
}

/** The image bytes of one span (reads the stream from the start; used only to locate a mismatch). */
export function imageSpan(
  source: ImageSource,
  runStream: RunStream,
  signal?: AbortSignal,
): (span: Span) => AsyncIterable<Uint8Array> {
  return async function* (span) {
    const controller = new AbortController();
    const abort = () => controller.abort();
    signal?.addEventListener('abort', abort);
    const { stream, done } = openImage(source, runStream, controller.signal);
    done.catch(() => undefined);
    let position = 0;
    try {
      for await (const chunk of stream) {
        const end = position + chunk.length;
        if (end > span.start)
          yield chunk.subarray(Math.max(0, span.start - position), Math.min(chunk.length, span.end - position));
        position = end;
        if (position >= span.end) break;
      }
    } finally {
      controller.abort();
      signal?.removeEventListener('abort', abort);
    }
  };
}
