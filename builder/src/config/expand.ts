// `${VAR}` and `${VAR:-default}` in path fields, so a project can say where shared files live without hard-coding.

export type ExpandResult = { ok: true; value: string } | { ok: false; message: string };

export function expandVariables(text: string, env: Readonly<Record<string, string | undefined>>): ExpandResult {
  let missing: string | undefined;
  const value = text.replace(
    /\$\{([A-Za-z_][A-Za-z0-9_]*)(?::-([^}]*))?\}/g,
    (_m, name: string, fallback: string | undefined) => {
      const v = env[name];
      if (v !== undefined && v !== '') return v;
      if (fallback !== undefined) return fallback;
      missing ??= name;
      return '';
    },
  );
  return missing === undefined
    ? { ok: true, value }
    : {
        ok: false,
        message: `environment variable "${missing}" is not set (use \${${missing}:-default} to give a default)`,
      };
}
