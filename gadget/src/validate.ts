// Validation with snapd's rules (gadget/gadget.go, gadget/validate.go) for UC20+ models. Messages follow
// snapd's layering: volume "pc": structure #2 ("ubuntu-seed"): <problem>.
import { GadgetError } from './errors.js';
import { parseSize } from './size.js';
import { BOOTLOADERS, FILESYSTEMS, ROLES, type GadgetYaml } from './types.js';

const VOLUME_NAME = /^[a-zA-Z0-9][a-zA-Z0-9-]{0,}$/;
const GUID = /^[0-9A-F]{8}-[0-9A-F]{4}-[0-9A-F]{4}-[0-9A-F]{4}-[0-9A-F]{12}$/i;
const HEX2 = /^[0-9A-F]{2}$/i;
const IMPLICIT_LABELS: Record<string, string> = {
  'system-seed': 'ubuntu-seed',
  'system-boot': 'ubuntu-boot',
  'system-save': 'ubuntu-save',
  'system-data': 'ubuntu-data',
};
const RESERVED = new Set(Object.values(IMPLICIT_LABELS));
/** A store snap id. Owned by @coreforge/model-assertions (names.ts); this leaf may not import it, so the copy is pinned by builder/src/config/leaf-facts.test.ts. */
export const SNAP_ID = /^[a-zA-Z0-9]{32}$/;

const fail = (message: string): never => {
  throw new GadgetError('GADGET_INVALID', message);
};

function checkType(t: string, schema: string, where: string): void {
  if (t === 'mbr' || t === 'bare') return;
  const [a, b] = t.split(',');
  if (b !== undefined) {
    if (!HEX2.test(a!) || !GUID.test(b)) fail(`${where}: invalid type "${t}": invalid format of hybrid type`);
    return;
  }
  if (HEX2.test(t)) {
    if (schema === 'gpt')
      fail(`${where}: invalid type "${t}": MBR structure type "${t}" is not valid with schema "gpt"`);
    return;
  }
  if (GUID.test(t)) {
    if (schema === 'mbr') fail(`${where}: invalid type "${t}": GUID structure type with non-GPT schema "mbr"`);
    return;
  }
  fail(`${where}: invalid type "${t}": invalid format`);
}

export function validateGadget(g: GadgetYaml): void {
  const volumes = Object.entries(g.volumes ?? {});
  if (volumes.length === 0) fail('bootloader not declared in any volume');
  const roles = new Map<string, string>();
  let bootloaders = 0;
  for (const [name, v] of volumes) {
    if (!VOLUME_NAME.test(name)) fail(`invalid volume name "${name}"`);
    const schema = v.schema ?? 'gpt';
    if (schema !== 'gpt' && schema !== 'mbr') fail(`invalid volume "${name}": invalid schema "${schema}"`);
    if (v.bootloader !== undefined) {
      if (!(BOOTLOADERS as readonly string[]).includes(v.bootloader))
        fail(`invalid volume "${name}": bootloader must be one of ${BOOTLOADERS.join(', ')}`);
      bootloaders++;
    }
    let next = 0;
    const placed: { start: number; end: number; where: string }[] = [];
    v.structure.forEach((s, i) => {
      const where = `invalid volume "${name}": invalid structure #${i}${s.name ? ` ("${s.name}")` : ''}`;
      const size = parseSize(s.size, 'size');
      if (size === 0) fail(`${where}: invalid size: must be greater than zero`);
      const offset = s.offset === undefined ? next : parseSize(s.offset, 'offset');
      if (s.role !== undefined && !(ROLES as readonly string[]).includes(s.role))
        fail(`${where}: invalid role "${s.role}": unsupported role`);
      checkType(s.type, schema, where);
      if (s.type === 'mbr' && s.role !== undefined && s.role !== 'mbr')
        fail(`${where}: invalid role "${s.role}": conflicting legacy type: "mbr"`);
      if (s.type === 'bare' && s.role !== undefined && s.role.startsWith('system-'))
        fail(`${where}: invalid role "${s.role}": conflicting type: "bare"`);
      const bare = s.type === 'bare' || s.type === 'mbr' || s.filesystem === undefined || s.filesystem === 'none';
      (s.content ?? []).forEach((c, n) => {
        if (c.image !== undefined && !bare)
          fail(`${where}: invalid content #${n}: cannot use image content for non-bare file system`);
        if (c.image === undefined && bare)
          fail(`${where}: invalid content #${n}: cannot use non-image content for bare file system`);
      });
      // snapd: type mbr implies role mbr.
      if (s.role === 'mbr' || s.type === 'mbr') {
        if (offset !== 0) fail(`${where}: invalid role "mbr": mbr structure must start at offset 0`);
        if (size > 446) fail(`${where}: invalid role "mbr": mbr structures cannot be larger than 446 bytes`);
        if (s.filesystem !== undefined && s.filesystem !== 'none')
          fail(`${where}: invalid role "mbr": mbr structures must not specify a file system`);
        if (schema === 'mbr' && s.role === 'mbr')
          fail(`${where}: invalid role "mbr": mbr structures cannot be used with MBR schema`);
      }
      if (s.filesystem !== undefined && !(FILESYSTEMS as readonly string[]).includes(s.filesystem))
        fail(`${where}: invalid filesystem "${s.filesystem}"`);
      const label = s['filesystem-label'];
      if (label !== undefined && RESERVED.has(label) && IMPLICIT_LABELS[s.role ?? ''] !== label)
        fail(`${where}: label "${label}" is reserved`);
      if (
        s.role &&
        s.role !== 'mbr' &&
        IMPLICIT_LABELS[s.role] &&
        label !== undefined &&
        label !== IMPLICIT_LABELS[s.role]
      )
        fail(`${where}: role of this kind must have an implicit label or "${IMPLICIT_LABELS[s.role]}", not "${label}"`);
      if (s.role) {
        if (roles.has(s.role))
          fail(`cannot have more than one partition with ${s.role} role${volumes.length > 1 ? ' across volumes' : ''}`);
        roles.set(s.role, name);
      }
      for (const p of placed)
        if (offset < p.end && offset + size > p.start)
          fail(
            `invalid volume "${name}": structure #${i}${s.name ? ` ("${s.name}")` : ''} overlaps with preceding structure ${p.where}`,
          );
      placed.push({ start: offset, end: offset + size, where: `#${placed.length}${s.name ? ` ("${s.name}")` : ''}` });
      next = offset + size;
    });
    if (schema === 'mbr' && v.structure.filter((s) => s.type !== 'mbr' && s.type !== 'bare').length > 4)
      fail(`invalid volume "${name}": too many partitions: MBR allows at most 4 primary partitions`);
  }
  if (bootloaders === 0) fail('bootloader not declared in any volume');
  if (bootloaders > 1) fail('too many (2) bootloaders declared');
  // UC20+ (snapd 2.57 gadget/validate.go ensureRolesConsistency): a seed, with data beside it; boot and save are
  // checked by role only.
  if (!roles.has('system-seed') && !roles.has('system-data'))
    fail('model requires system-seed partition, but no system-seed or system-data partition found');
  if (!roles.has('system-data')) fail('the system-seed role requires system-data to be defined');
  if (!roles.has('system-seed')) fail('model requires system-seed structure, but none was found');
  for (const key of Object.keys(g.defaults ?? {}))
    if (key !== 'system' && !SNAP_ID.test(key)) fail(`default stanza not keyed by "system" or snap-id: ${key}`);
  for (const c of g.connections ?? []) {
    if (!/^[a-zA-Z0-9]{32}:[a-z0-9-]+$/.test(c.plug))
      fail(`gadget connection plug must be SNAP-ID:PLUG, not "${c.plug}"`);
    if (c.slot !== undefined && !/^([a-zA-Z0-9]{32}|system):[a-z0-9-]+$/.test(c.slot))
      fail(`gadget connection slot must be SNAP-ID:SLOT or system:SLOT, not "${c.slot}"`);
  }
}
