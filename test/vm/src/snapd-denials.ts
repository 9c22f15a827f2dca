// AppArmor and seccomp denials from the snapd VM's journal, and the reviewed allow-list they are held against (pure).
import { readFileSync } from 'node:fs';

export interface Denial {
  readonly kind: 'apparmor' | 'seccomp';
  /** The AppArmor profile (label) the process ran under, e.g. snap.classifier.serve. */
  readonly profile: string;
  readonly operation?: string;
  readonly name?: string;
  readonly requested?: string;
  readonly syscall?: number;
  readonly comm?: string;
  /** The log line as snapd's kernel wrote it. */
  readonly text: string;
}

export interface AllowedDenial {
  readonly kind: 'apparmor' | 'seccomp';
  /** Profile glob: `*` matches any run of characters (snap.*.serve). */
  readonly profile: string;
  readonly operation?: string;
  /** Regular expression the denied path must match. */
  readonly name?: string;
  readonly syscall?: number;
  /** Why this denial is harmless: required, reviewed. */
  readonly reason: string;
}

const field = (line: string, key: string) =>
  new RegExp(`\\b${key}="([^"]*)"`).exec(line)?.[1] ?? new RegExp(`\\b${key}=(\\S+)`).exec(line)?.[1];

/** Every AppArmor DENIED and seccomp (audit type 1326) record in `journal`, for profiles that start with `profilePrefix`. */
export function parseDenials(journal: string, profilePrefix = 'snap.'): Denial[] {
  const out: Denial[] = [];
  const seen = new Set<string>();
  for (const raw of journal.split('\n')) {
    const line = raw.replace(/^.*?(audit[:(]|apparmor=|type=1326)/, '$1');
    let d: Denial | undefined;
    if (raw.includes('apparmor="DENIED"')) {
      const profile = field(raw, 'profile') ?? '';
      d = {
        kind: 'apparmor',
        profile,
        ...(field(raw, 'operation') && { operation: field(raw, 'operation')! }),
        ...(field(raw, 'name') && { name: field(raw, 'name')! }),
        ...(field(raw, 'requested_mask') && { requested: field(raw, 'requested_mask')! }),
        ...(field(raw, 'comm') && { comm: field(raw, 'comm')! }),
        text: line.trim(),
      };
    } else if (/type=1326\b|\bSECCOMP\b/.test(raw) && /\bsyscall=\d+/.test(raw)) {
      const profile = (field(raw, 'subj') ?? '').replace(/ \((enforce|complain)\)$/, '');
      d = {
        kind: 'seccomp',
        profile,
        syscall: Number(field(raw, 'syscall')),
        ...(field(raw, 'comm') && { comm: field(raw, 'comm')! }),
        text: line.trim(),
      };
    }
    if (!d || !d.profile.startsWith(profilePrefix)) continue;
    // The same denial from the journal's kernel and audit transports, or repeated by a restarting service, once.
    const key = `${d.kind} ${d.profile} ${d.operation ?? ''} ${d.name ?? ''} ${d.requested ?? ''} ${d.syscall ?? ''}`;
    if (seen.has(key)) continue;
    seen.add(key);
    out.push(d);
  }
  return out;
}

const glob = (pattern: string) =>
  new RegExp(
    `^${pattern
      .split('*')
      .map((p) => p.replace(/[.+?^${}()|[\]\\]/g, '\\$&'))
      .join('.*')}$`,
  );

export function allowedBy(d: Denial, list: readonly AllowedDenial[]): AllowedDenial | undefined {
  return list.find(
    (a) =>
      a.kind === d.kind &&
      glob(a.profile).test(d.profile) &&
      (a.operation === undefined || a.operation === d.operation) &&
      (a.name === undefined || (d.name !== undefined && new RegExp(a.name).test(d.name))) &&
      (a.syscall === undefined || a.syscall === d.syscall),
  );
}

/** Reads and checks an allow-list file: every entry names its kind and profile and gives a reason. */
export function loadAllowList(file: string): AllowedDenial[] {
  const data = JSON.parse(readFileSync(file, 'utf8')) as { denials?: unknown };
  if (!Array.isArray(data.denials)) throw new Error(`${file}: expected {"denials": [...]}`);
  return data.denials.map((e: Partial<AllowedDenial>, i) => {
    if (
      (e.kind !== 'apparmor' && e.kind !== 'seccomp') ||
      typeof e.profile !== 'string' ||
      typeof e.reason !== 'string' ||
      e.reason.trim().length < 20
    )
      throw new Error(
        `${file}: denials[${i}] needs kind (apparmor|seccomp), profile and a reason (why it is harmless)`,
      );
    return e as AllowedDenial;
  });
}

export function describeDenial(d: Denial): string {
  return d.kind === 'apparmor'
    ? `apparmor ${d.profile}: ${d.operation ?? '?'} ${d.name ?? ''} (${d.requested ?? ''})${d.comm ? ` by ${d.comm}` : ''}`
    : `seccomp ${d.profile}: syscall ${d.syscall}${d.comm ? ` by ${d.comm}` : ''}`;
}
