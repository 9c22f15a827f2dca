// snapcraft's store commands (STYLE P7): pure argv builders and parsers of snapcraft 9's output, read from
// canonical/snapcraft (commands/manage.py, upload.py, names.py, keys.py, status.py at 9.0.1). snapcraft is the
// only program that talks to the Snap Store; `runSnapcraft` is the one call that runs it.
import { BuilderError } from '../errors.js';
import type { Run, RunResult } from './run.js';

export const SNAPCRAFT_STORE_TOOLS = ['snapcraft'] as const;

export const snapcraftRegisterArgs = (name: string): string[] => ['register', name, '--yes'];

export function snapcraftUploadArgs(file: string, channels: readonly string[] = []): string[] {
  return ['upload', file, ...(channels.length > 0 ? ['--release', channels.join(',')] : [])];
}

/** `snapcraft release NAME REV CHANNELS [--progressive N]`. */
export function snapcraftReleaseArgs(
  name: string,
  revision: number,
  channels: readonly string[],
  progressive?: number,
): string[] {
  return [
    'release',
    name,
    String(revision),
    channels.join(','),
    ...(progressive !== undefined ? ['--progressive', String(progressive)] : []),
  ];
}

/** `--yes`: snapcraft 9 asks before promoting and refuses without a terminal otherwise. */
export function snapcraftPromoteArgs(name: string, from: string, to: string): string[] {
  return ['promote', name, '--from-channel', from, '--to-channel', to, '--yes'];
}

export function snapcraftStatusArgs(name: string, arch?: string): string[] {
  return ['status', name, ...(arch !== undefined ? ['--arch', arch] : [])];
}

/** `revisions` (snapcraft 9 removed `list-revisions`: "The 'list-revisions' command was renamed to 'revisions'."). */
export function snapcraftRevisionsArgs(name: string, arch?: string): string[] {
  return ['revisions', name, ...(arch !== undefined ? ['--arch', arch] : [])];
}

export const snapcraftRegisterKeyArgs = (keyName: string): string[] => ['register-key', keyName];

/** `Revision 7 created for 'classifier'[ and released to 'edge']` -> 7. */
export function parseUploadOutput(text: string): number {
  const m = /Revision (\d+) created for '([^']+)'/.exec(text);
  if (!m)
    throw new BuilderError(
      'TOOL_FAILED',
      `cannot find the new revision in snapcraft upload's output:\n${text.trim().split('\n').slice(-5).join('\n')}`,
    );
  return Number(m[1]);
}

/** One mapped channel of `snapcraft status`: the released revision and, during a progressive release, the new one. */
export interface ChannelStatus {
  readonly track: string;
  readonly arch: string;
  readonly risk: string;
  /** Released revision; undefined when the channel is closed (`-`) or follows the next risk (`↑`). */
  readonly revision?: number;
  readonly version?: string;
  readonly following: boolean;
  /** The revision being rolled out to `percent` of the channel's devices. */
  readonly progressive?: { readonly revision: number; readonly version: string; readonly percent: number };
}

function columns(header: string): { name: string; start: number }[] {
  const out: { name: string; start: number }[] = [];
  const re = /\S+(?: \S+)*/g;
  for (let m = re.exec(header); m; m = re.exec(header)) out.push({ name: m[0], start: m.index });
  return out;
}

function cells(line: string, cols: { name: string; start: number }[]): Record<string, string> {
  const row: Record<string, string> = {};
  cols.forEach((c, i) => (row[c.name] = line.slice(c.start, cols[i + 1]?.start ?? undefined).trim()));
  return row;
}

/** Parses snapcraft 9's `status` table (tabulate "plain", track/arch repeated when stdout is not a terminal). */
export function parseStatusTable(text: string): ChannelStatus[] {
  const lines = text.split('\n').filter((l) => l.trim() !== '');
  if (lines.length === 0 || /This snap has no released revisions/.test(text)) return [];
  const headerIndex = lines.findIndex((l) => /^Track\s+Arch\s+Channel\s+Version\s+Revision/.test(l));
  if (headerIndex < 0)
    throw new BuilderError(
      'TOOL_FAILED',
      `cannot read snapcraft status output (no "Track Arch Channel Version Revision" header):\n${text.trim()}`,
    );
  const cols = columns(lines[headerIndex]!);
  const out: { -readonly [K in keyof ChannelStatus]: ChannelStatus[K] }[] = [];
  let track = '';
  let arch = '';
  for (const line of lines.slice(headerIndex + 1)) {
    const row = cells(line, cols);
    track = row.Track || track;
    arch = row.Arch || arch;
    const progress = /^(\?|\d+)→(\d+)%$/.exec(row.Progress ?? '');
    if (!row.Channel) {
      // The second line of a channel under a progressive release: the revision being rolled out.
      const last = out.at(-1);
      if (!last || !progress)
        throw new BuilderError('TOOL_FAILED', `cannot read snapcraft status line "${line.trim()}"`);
      last.progressive = { revision: Number(row.Revision), version: row.Version ?? '', percent: Number(progress[2]) };
      continue;
    }
    const rev = row.Revision ?? '-';
    out.push({
      track,
      arch,
      risk: row.Channel,
      following: rev === '↑',
      ...(/^\d+$/.test(rev) ? { revision: Number(rev), version: row.Version ?? '' } : {}),
    });
  }
  return out;
}

export interface RevisionInfo {
  readonly revision: number;
  readonly uploaded: string;
  readonly arches: readonly string[];
  readonly version: string;
  /** Channels the revision was released to; `current` marks where it is released now (snapcraft's `*`). */
  readonly channels: readonly { readonly channel: string; readonly current: boolean }[];
}

/** Parses snapcraft 9's `revisions` table. */
export function parseRevisionsTable(text: string): RevisionInfo[] {
  const lines = text.split('\n').filter((l) => l.trim() !== '');
  const headerIndex = lines.findIndex((l) => /^Rev\.\s+Uploaded\s+Arches\s+Version/.test(l));
  if (headerIndex < 0)
    throw new BuilderError(
      'TOOL_FAILED',
      `cannot read snapcraft revisions output (no "Rev. Uploaded Arches Version" header):\n${text.trim()}`,
    );
  const cols = columns(lines[headerIndex]!);
  return lines.slice(headerIndex + 1).map((line) => {
    const row = cells(line, cols);
    const channels =
      !row.Channels || row.Channels === '-'
        ? []
        : row.Channels.split(',').map((c) => ({ channel: c.replace(/\*$/, ''), current: c.endsWith('*') }));
    return {
      revision: Number(row['Rev.']),
      uploaded: row.Uploaded ?? '',
      arches: (row.Arches ?? '').split(','),
      version: row.Version ?? '',
      channels,
    };
  });
}

/** Runs snapcraft; a refusal by the store (non-zero exit) becomes STORE_REFUSED with snapcraft's own words. */
export async function runSnapcraft(
  run: Run,
  args: readonly string[],
  io: { signal?: AbortSignal; env?: Readonly<Record<string, string | undefined>> } = {},
): Promise<RunResult> {
  const result = await run('snapcraft', args, {
    reject: false,
    timeout: 900_000,
    ...(io.signal && { signal: io.signal }),
    ...(io.env && { env: io.env }),
  });
  if (result.exitCode !== 0) {
    const said = (result.stderr.trim() || result.stdout.trim()).split('\n').slice(-12).join('\n');
    throw new BuilderError(
      'STORE_REFUSED',
      `"snapcraft ${args.join(' ')}" failed (exit code ${result.exitCode}):\n${said}`,
      'read snapcraft\'s message above; "coreforge release status" shows what each channel holds',
    );
  }
  return result;
}
