// Shared header checkers, one message style (snapd asserts/header_checks.go).
import type { HeaderValue } from './codec.js';
import { headerError } from './errors.js';
import { ACCOUNT_ID } from './names.js';

export type RawHeaders = Readonly<Record<string, HeaderValue | undefined>>;

export function optionalString(h: RawHeaders, name: string): string | undefined {
  const v = h[name];
  if (v === undefined) return undefined;
  if (typeof v !== 'string') throw headerError(`"${name}" header must be a string`);
  return v;
}

export function requireString(h: RawHeaders, name: string): string {
  const v = optionalString(h, name);
  if (v === undefined) throw headerError(`"${name}" header is mandatory`);
  if (v === '') throw headerError(`"${name}" header should not be empty`);
  return v;
}

export function optionalEnum<T extends string>(
  h: RawHeaders,
  name: string,
  allowed: readonly T[],
  what = name,
): T | undefined {
  const v = optionalString(h, name);
  if (v === undefined) return undefined;
  if (!(allowed as readonly string[]).includes(v))
    throw headerError(`${what} must be ${allowed.join('|')}, not "${v}"`);
  return v as T;
}

export function optionalList(h: RawHeaders, name: string): readonly HeaderValue[] | undefined {
  const v = h[name];
  if (v === undefined) return undefined;
  if (!Array.isArray(v)) throw headerError(`"${name}" header must be a list`);
  return v;
}

/** RFC 3339 with a time zone, as Go's time.RFC3339 parses it. */
const RFC3339 = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.\d+)?(?:Z|[+-]\d{2}:\d{2})$/;

export function requireTimestamp(h: RawHeaders, name: string): string {
  const v = requireString(h, name);
  if (!RFC3339.test(v) || Number.isNaN(Date.parse(v)))
    throw headerError(`"${name}" header is not a RFC3339 date: parsing time "${v}"`);
  return v;
}

export function requireAccountId(h: RawHeaders, name: string): string {
  const v = requireString(h, name);
  if (!ACCOUNT_ID.test(v)) throw headerError(`invalid "${name}" header: "${v}"`);
  return v;
}

/** Go's time.RFC3339 formatting of a Date in UTC (no fractional seconds). */
export function formatTimestamp(d: Date): string {
  return d.toISOString().replace(/\.\d{3}Z$/, 'Z');
}
