// Validates rendered snapcraft.yaml text against snaps/schemas/snapcraft.schema.json (the keys we use).
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { Ajv, type ValidateFunction } from 'ajv';
import { parse } from 'yaml';

let compiled: ValidateFunction | undefined;

function validator(): ValidateFunction {
  if (!compiled) {
    const file = createRequire(import.meta.url).resolve('@coreforge/snaps/schemas/snapcraft.schema.json');
    const schema = JSON.parse(readFileSync(file, 'utf8')) as object;
    compiled = new Ajv({ allErrors: true, strict: true }).compile(schema);
  }
  return compiled;
}

/** Problems as `<json pointer>: <message>` lines, sorted; empty when the text matches the schema. */
export function checkSnapcraftYaml(text: string): string[] {
  const validate = validator();
  if (validate(parse(text))) return [];
  return (validate.errors ?? [])
    .map(
      (e) =>
        `${e.instancePath || '/'}: ${e.message ?? 'is invalid'}${e.params && 'allowedValues' in e.params ? ` (${(e.params.allowedValues as unknown[]).join(', ')})` : ''}`,
    )
    .sort();
}
