// Parse, don't cast (STYLE P2): yaml.parse() output (unknown) -> a typed GadgetYaml, or one GadgetError naming
// the path ("volumes.pc.structure[2].size"), what was expected and what was found. Keys this module does not type
// are kept as they are, so a gadget derived from an upstream one loses nothing. The rules (roles, sizes, overlaps)
// are validateGadget's; this only makes sure every value has the shape snapd's gadget.yaml format gives it.
import { GadgetError } from './errors.js';
import type { Content, GadgetYaml, Structure, Volume } from './types.js';

const HINT = 'see the gadget.yaml format at https://snapcraft.io/docs/the-gadget-snap';

type Obj = Record<string, unknown>;

function found(v: unknown): string {
  if (v === undefined || v === null) return 'nothing';
  if (Array.isArray(v)) return 'a list';
  if (typeof v === 'object') return 'a map';
  if (typeof v === 'string') return `"${v}"`;
  return `${typeof v} ${String(v)}`;
}

class Parser {
  constructor(private readonly file: string) {}

  fail(at: string, expected: string, v: unknown): never {
    throw new GadgetError(
      'GADGET_YAML_INVALID',
      `${this.file}: "${at}": expected ${expected}, found ${found(v)}`,
      HINT,
    );
  }

  map(v: unknown, at: string, what = 'a map'): Obj {
    if (typeof v !== 'object' || v === null || Array.isArray(v)) this.fail(at, what, v);
    return v as Obj;
  }

  list(v: unknown, at: string, what: string): unknown[] {
    if (!Array.isArray(v)) this.fail(at, what, v);
    return v;
  }

  optString(o: Obj, key: string, at: string): string | undefined {
    const v = o[key];
    if (v === undefined) return undefined;
    if (typeof v !== 'string') this.fail(`${at}.${key}`, 'a string', v);
    return v;
  }

  /** A size or offset: bytes as a whole number, or text such as "1M" (validateGadget parses the text). */
  optQuantity(o: Obj, key: string, at: string): string | number | undefined {
    const v = o[key];
    if (v === undefined) return undefined;
    if (typeof v === 'string' || (typeof v === 'number' && Number.isInteger(v) && v >= 0)) return v;
    this.fail(`${at}.${key}`, 'a size in bytes, or a number followed by M or G', v);
  }

  /** Structure type: YAML reads `type: 83` as a number; snapd reads it into a string, so do we. */
  type(o: Obj, at: string): string {
    const v = o.type;
    if (typeof v === 'string') return v;
    if (typeof v === 'number' && Number.isInteger(v) && v >= 0 && v <= 99) return String(v).padStart(2, '0');
    this.fail(`${at}.type`, 'a structure type (mbr, bare, two hex digits, a GPT GUID or "XX,GUID")', v);
  }

  content(v: unknown, at: string): Content {
    const o = this.map(v, at, 'a map with "source" and "target", or "image"');
    const source = this.optString(o, 'source', at);
    const target = this.optString(o, 'target', at);
    const image = this.optString(o, 'image', at);
    if (image === undefined && source === undefined) this.fail(at, 'a map with "source" and "target", or "image"', v);
    if (source !== undefined && target === undefined)
      this.fail(`${at}.target`, 'a string (where the source goes in the file system)', undefined);
    this.optQuantity(o, 'offset', at);
    this.optQuantity(o, 'size', at);
    return {
      ...o,
      ...(source !== undefined && { source }),
      ...(target !== undefined && { target }),
      ...(image !== undefined && { image }),
    };
  }

  structure(v: unknown, at: string): Structure {
    const o = this.map(v, at, 'a map (one structure)');
    const name = this.optString(o, 'name', at);
    const role = this.optString(o, 'role', at);
    if (o.type === undefined)
      this.fail(`${at}.type`, 'a structure type (mbr, bare, two hex digits, a GPT GUID or "XX,GUID")', undefined);
    const type = this.type(o, at);
    const size = this.optQuantity(o, 'size', at);
    if (size === undefined) this.fail(`${at}.size`, 'a size in bytes, or a number followed by M or G', undefined);
    const offset = this.optQuantity(o, 'offset', at);
    const offsetWrite = o['offset-write'];
    if (offsetWrite !== undefined && typeof offsetWrite !== 'string' && typeof offsetWrite !== 'number')
      this.fail(`${at}.offset-write`, 'an offset such as "mbr+92"', offsetWrite);
    const filesystem = this.optString(o, 'filesystem', at);
    const label = this.optString(o, 'filesystem-label', at);
    const content =
      o.content === undefined
        ? undefined
        : this.list(o.content, `${at}.content`, 'a list of contents').map((c, i) =>
            this.content(c, `${at}.content[${i}]`),
          );
    if (o.update !== undefined) {
      const u = this.map(o.update, `${at}.update`, 'a map with "edition"');
      if (u.edition !== undefined && !(typeof u.edition === 'number' && Number.isInteger(u.edition) && u.edition >= 0))
        this.fail(`${at}.update.edition`, 'a whole number', u.edition);
      if (u.preserve !== undefined)
        this.list(u.preserve, `${at}.update.preserve`, 'a list of paths').forEach(
          (p, i) => typeof p === 'string' || this.fail(`${at}.update.preserve[${i}]`, 'a string', p),
        );
    }
    return {
      ...o,
      ...(name !== undefined && { name }),
      ...(role !== undefined && { role: role as Structure['role'] }),
      type,
      size,
      ...(offset !== undefined && { offset }),
      ...(filesystem !== undefined && { filesystem }),
      ...(label !== undefined && { 'filesystem-label': label }),
      ...(content !== undefined && { content }),
    } as Structure;
  }

  volume(v: unknown, at: string): Volume {
    const o = this.map(v, at, 'a map with "structure"');
    const schema = this.optString(o, 'schema', at);
    const bootloader = this.optString(o, 'bootloader', at);
    if (o.structure === undefined) this.fail(`${at}.structure`, 'a list of structures', undefined);
    const structure = this.list(o.structure, `${at}.structure`, 'a list of structures').map((s, i) =>
      this.structure(s, `${at}.structure[${i}]`),
    );
    return {
      ...o,
      ...(schema !== undefined && { schema: schema as Volume['schema'] }),
      ...(bootloader !== undefined && { bootloader }),
      structure,
    } as Volume;
  }

  gadget(data: unknown): GadgetYaml {
    const o = this.map(data, '.', 'a map with "volumes"');
    if (o.volumes === undefined) this.fail('volumes', 'a map of volumes', undefined);
    const vols = this.map(o.volumes, 'volumes', 'a map of volumes (name: {schema, bootloader, structure})');
    const volumes: Record<string, Volume> = {};
    for (const [name, v] of Object.entries(vols)) volumes[name] = this.volume(v, `volumes.${name}`);
    let defaults: Record<string, Record<string, unknown>> | undefined;
    if (o.defaults !== undefined) {
      defaults = {};
      for (const [k, v] of Object.entries(this.map(o.defaults, 'defaults', 'a map keyed by snap id or "system"')))
        defaults[k] = this.map(v, `defaults.${k}`, 'a map of configuration options');
    }
    const connections =
      o.connections === undefined
        ? undefined
        : this.list(o.connections, 'connections', 'a list of {plug, slot}').map((c, i) => {
            const m = this.map(c, `connections[${i}]`, 'a map with "plug" and "slot"');
            const plug = this.optString(m, 'plug', `connections[${i}]`);
            if (plug === undefined) this.fail(`connections[${i}].plug`, 'a string SNAP-ID:PLUG', undefined);
            const slot = this.optString(m, 'slot', `connections[${i}]`);
            return { plug, ...(slot !== undefined && { slot }) };
          });
    if (o['kernel-cmdline'] !== undefined) {
      const k = this.map(o['kernel-cmdline'], 'kernel-cmdline', 'a map with "append" and/or "allow"');
      for (const key of ['append', 'allow'])
        if (k[key] !== undefined)
          this.list(k[key], `kernel-cmdline.${key}`, 'a list of strings').forEach(
            (x, i) => typeof x === 'string' || this.fail(`kernel-cmdline.${key}[${i}]`, 'a string', x),
          );
    }
    return Object.freeze({
      ...o,
      volumes,
      ...(defaults && { defaults }),
      ...(connections && { connections }),
    }) as GadgetYaml;
  }
}

/** The typed gadget.yaml, or a GadgetError (GADGET_YAML_INVALID) naming `file` and the path of the bad value. */
export function parseGadget(data: unknown, file = 'gadget.yaml'): GadgetYaml {
  return new Parser(file).gadget(data);
}
