// The assertion text format (snapd asserts/headers.go): headers, optional body, blank line, signature.
// Values are strings, lists or maps whose scalars are strings. Encoding follows snapd byte for byte.
import { ModelAssertionError } from './errors.js';

export type HeaderValue = string | readonly HeaderValue[] | { readonly [key: string]: HeaderValue };
export type Headers = Readonly<Record<string, HeaderValue>>;

const COMMON = '  ';
const MULTILINE = '    ';
const LIST = '  -';
const NAME = /^[a-z](?:-?[a-z0-9])*$/;

function malformed(message: string): never {
  throw new ModelAssertionError('ASSERTION_MALFORMED', `cannot decode assertion: ${message}`);
}

function appendEntry(out: string[], intro: string, value: HeaderValue | undefined, indent: number): void {
  if (value === undefined) return;
  const pad = ' '.repeat(indent);
  if (typeof value === 'string') {
    if (value.includes('\n'))
      out.push(`\n${intro}\n${pad}${MULTILINE}${value.replaceAll('\n', `\n${pad}${MULTILINE}`)}`);
    else out.push(`\n${intro} ${value}`);
  } else if (Array.isArray(value)) {
    if (value.length === 0) return;
    out.push(`\n${intro}`);
    for (const item of value) appendEntry(out, pad + LIST, item as HeaderValue, indent + LIST.length - 1);
  } else {
    const keys = Object.keys(value).sort();
    if (keys.length === 0) return;
    out.push(`\n${intro}`);
    for (const k of keys)
      appendEntry(out, `${pad}${COMMON}${k}:`, (value as Record<string, HeaderValue>)[k], indent + COMMON.length);
  }
}

/** Encodes headers in the given order (the caller decides snapd's order), without a trailing newline. */
export function encodeHeaders(entries: readonly (readonly [string, HeaderValue])[]): string {
  const out: string[] = [];
  for (const [name, value] of entries) appendEntry(out, `${name}:`, value, 0);
  return out.join('').slice(1);
}

interface Cursor {
  readonly lines: readonly string[];
  i: number;
}

function parseEntry(c: Cursor, consumed: number, indent: number): HeaderValue {
  const entry = c.lines[c.i]!;
  c.i++;
  if (consumed === entry.length) {
    const base = ' '.repeat(indent) + COMMON;
    const next = c.lines[c.i];
    if (next !== undefined && next.startsWith(base)) {
      const rest = next.slice(base.length);
      if (rest.startsWith('-')) return parseList(c, indent);
      if (rest.length > 0 && rest[0] !== ' ') return parseMap(c, indent);
    }
    return parseMultiline(c, indent);
  }
  if (entry[consumed] !== ' ')
    malformed(`header entry should have a space or newline (for multiline) before value: ${JSON.stringify(entry)}`);
  return entry.slice(consumed + 1);
}

function parseMultiline(c: Cursor, indent: number): string {
  const prefix = ' '.repeat(indent) + MULTILINE;
  const parts: string[] = [];
  while (c.i < c.lines.length && c.lines[c.i]!.startsWith(prefix)) parts.push(c.lines[c.i++]!.slice(prefix.length));
  if (parts.length === 0)
    malformed(
      `expected ${prefix.length} chars nesting prefix after multiline introduction ${JSON.stringify(c.lines[c.i - 1])}`,
    );
  return parts.join('\n');
}

function parseList(c: Cursor, indent: number): HeaderValue[] {
  const prefix = ' '.repeat(indent) + LIST;
  const list: HeaderValue[] = [];
  while (c.i < c.lines.length && c.lines[c.i]!.startsWith(prefix))
    list.push(parseEntry(c, prefix.length, indent + LIST.length - 1));
  return list;
}

function parseMap(c: Cursor, indent: number): Record<string, HeaderValue> {
  const prefix = ' '.repeat(indent) + COMMON;
  const map: Record<string, HeaderValue> = {};
  while (c.i < c.lines.length && c.lines[c.i]!.startsWith(prefix)) {
    const entry = c.lines[c.i]!.slice(prefix.length);
    const colon = entry.indexOf(':');
    if (colon < 0) malformed(`map entry missing ':' separator: ${JSON.stringify(entry)}`);
    const key = entry.slice(0, colon);
    if (!NAME.test(key)) malformed(`invalid map entry key: ${JSON.stringify(key)}`);
    if (key in map) malformed(`repeated map entry: ${JSON.stringify(key)}`);
    map[key] = parseEntry(c, prefix.length + colon + 1, prefix.length);
  }
  return map;
}

export function decodeHeaders(text: string): Record<string, HeaderValue> {
  const lines = text.split('\n');
  const headers: Record<string, HeaderValue> = {};
  const c: Cursor = { lines, i: 0 };
  while (c.i < lines.length) {
    const entry = lines[c.i]!;
    const colon = entry.indexOf(':');
    if (colon < 0) malformed(`header entry missing ':' separator: ${JSON.stringify(entry)}`);
    const name = entry.slice(0, colon);
    if (!NAME.test(name)) malformed(`invalid header name: ${JSON.stringify(name)}`);
    if (name in headers) malformed(`repeated header: ${JSON.stringify(name)}`);
    headers[name] = parseEntry(c, colon + 1, 0);
  }
  return headers;
}

export interface SplitAssertion {
  readonly headers: Record<string, HeaderValue>;
  readonly body: string;
  /** What the signature covers: everything before the last blank line. */
  readonly content: string;
  readonly signature: string;
}

/** Splits an assertion into headers, body, signed content and signature, as snapd's Decode does (byte offsets). */
export function splitAssertion(text: string): SplitAssertion {
  const buf = Buffer.from(text, 'utf8');
  const headEnd = buf.indexOf('\n\n');
  if (headEnd < 0) malformed('assertion content/signature separator not found');
  const headers = decodeHeaders(buf.subarray(0, headEnd).toString('utf8'));
  const lengthHeader = headers['body-length'];
  let length = 0;
  if (lengthHeader !== undefined) {
    if (typeof lengthHeader !== 'string' || !/^(0|[1-9][0-9]*)$/.test(lengthHeader))
      malformed('"body-length" header is not an integer');
    length = Number(lengthHeader);
  }
  let contentEnd = headEnd;
  if (length > 0) {
    contentEnd = headEnd + 2 + length;
    if (buf.subarray(contentEnd, contentEnd + 2).toString() !== '\n\n')
      malformed('missing content/signature separator after the body');
  }
  const signature = buf
    .subarray(contentEnd + 2)
    .toString('utf8')
    .replace(/\n$/, '');
  if (signature === '') malformed('empty assertion signature');
  return {
    headers,
    body: length > 0 ? buf.subarray(headEnd + 2, contentEnd).toString('utf8') : '',
    content: buf.subarray(0, contentEnd).toString('utf8'),
    signature,
  };
}
