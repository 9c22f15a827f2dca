// The project file as the schema admits it (kebab-case keys, defaults not applied yet): derived from the schema's
// one definition (project-schema.ts) by json-schema-to-ts, so the type and the schema cannot disagree.
import type { FromExtendedSchema } from 'json-schema-to-ts';
import type { PROJECT_SCHEMA, SchemaExtension } from './project-schema.js';

export type RawProject = FromExtendedSchema<
  SchemaExtension,
  typeof PROJECT_SCHEMA,
  // ajv does not fill in defaults (useDefaults: false): normalize.ts applies them, from the schema.
  { keepDefaultedPropertiesOptional: true }
>;
