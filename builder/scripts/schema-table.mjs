#!/usr/bin/env node
// Renders the project file's field reference (a Markdown table) from builder/schemas/coreforge.schema.json.
// `node builder/scripts/schema-table.mjs --write` refreshes the table between the markers in README.md;
// a test fails when the README is out of date.
import { readFileSync, renameSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const schema = JSON.parse(readFileSync(new URL('../schemas/coreforge.schema.json', import.meta.url), 'utf8'));
const README = fileURLToPath(new URL('../../README.md', import.meta.url));
export const BEGIN = '<!-- schema-table:begin -->';
export const END = '<!-- schema-table:end -->';

function typeOf(s) {
  if (s.enum) return s.enum.map((v) => `\`${v}\``).join(' \\| ');
  if (s.type === 'array') return `list of ${s.items?.type === 'object' ? 'maps' : typeOf(s.items ?? {})}`;
  if (s.type === 'object') return 'map';
  return s.type ?? '';
}

function rows(s, prefix, required) {
  const out = [];
  for (const [key, sub] of Object.entries(s.properties ?? {})) {
    const name = `${prefix}${key}`;
    const def = sub.default !== undefined ? `\`${sub.default}\`` : required.includes(key) ? '**required**' : '';
    const rule = [
      sub.description ?? '',
      sub['x-pattern-message'] ? `Must be ${sub['x-pattern-message']}.` : '',
      sub.minimum === undefined
        ? ''
        : sub.maximum === undefined
          ? `At least ${sub.minimum}.`
          : `${sub.minimum}..${sub.maximum}.`,
    ]
      .filter(Boolean)
      .join(' ');
    out.push(`| \`${name}\` | ${typeOf(sub)} | ${def} | ${rule.replaceAll('|', '\\|')} |`);
    if (sub.type === 'object') out.push(...rows(sub, `${name}.`, sub.required ?? []));
    if (sub.type === 'array' && sub.items?.type === 'object')
      out.push(...rows(sub.items, `${name}[].`, sub.items.required ?? []));
  }
  return out;
}

export function schemaTable() {
  return ['| field | type | default | meaning |', '|---|---|---|---|', ...rows(schema, '', schema.required ?? [])].join(
    '\n',
  );
}

export function readmeWithTable(readme) {
  const start = readme.indexOf(BEGIN);
  const end = readme.indexOf(END);
  if (start < 0 || end < 0) throw new Error(`README.md has no ${BEGIN} ... ${END} markers`);
  return `${readme.slice(0, start + BEGIN.length)}\n${schemaTable()}\n${readme.slice(end)}`;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  if (process.argv.includes('--write')) {
    const next = readmeWithTable(readFileSync(README, 'utf8'));
    writeFileSync(`${README}.tmp`, next);
    renameSync(`${README}.tmp`, README);
  } else process.stdout.write(`${schemaTable()}\n`);
}
