// Sizes and offsets in gadget.yaml: bytes, or a number with M (MiB) or G (GiB) — snapd's quantity parser.
import { GadgetError } from './errors.js';

const UNITS: Record<string, number> = { '': 1, M: 1 << 20, G: 1 << 30 };

export function parseSize(value: string | number, what: string): number {
  if (typeof value === 'number') {
    if (!Number.isInteger(value) || value < 0)
      throw new GadgetError('GADGET_INVALID', `invalid ${what} "${value}": must be a whole number of bytes`);
    return value;
  }
  const m = /^([0-9]+)([A-Za-z]*)$/.exec(value.trim());
  if (!m)
    throw new GadgetError(
      'GADGET_INVALID',
      `cannot parse ${what} "${value}": expected bytes, or a number followed by M or G`,
    );
  const unit = UNITS[m[2]!];
  if (unit === undefined)
    throw new GadgetError('GADGET_INVALID', `cannot parse ${what} "${value}": invalid suffix "${m[2]}"`);
  return Number(m[1]) * unit;
}
