// Argument checks before anything reaches native code (sharp-style messages, STYLE P11).
import { RuntimeError } from './errors.js';
import { DELEGATES, type ClassifierOptions } from './types.js';

function invalid(name: string, expected: string, value: unknown): never {
  throw new RuntimeError(
    'ARGUMENT_INVALID',
    `Expected ${expected} for ${name} but received ${String(value)} of type ${typeof value}`,
  );
}

export function validateClassifierOptions(o: ClassifierOptions): void {
  if (typeof o !== 'object' || o === null) invalid('options', 'an object', o);
  if (typeof o.model !== 'string' || o.model === '') invalid('model', 'a model file path', o.model);
  if (o.labels !== undefined && (typeof o.labels !== 'string' || o.labels === ''))
    invalid('labels', 'a labels file path', o.labels);
  if (o.edgetpuModel !== undefined && typeof o.edgetpuModel !== 'string')
    invalid('edgetpuModel', 'a model file path', o.edgetpuModel);
  if (o.threads !== undefined && (!Number.isInteger(o.threads) || o.threads < 1 || o.threads > 64))
    invalid('threads', 'integer between 1 and 64', o.threads);
  if (o.delegate !== undefined && !(DELEGATES as readonly string[]).includes(o.delegate))
    invalid('delegate', `one of ${DELEGATES.join(', ')}`, o.delegate);
  if (o.device !== undefined && !/^(|:\d+|usb|usb:\d+|pci|pci:\d+)$/.test(o.device))
    invalid('device', 'one of "", ":N", "usb", "usb:N", "pci", "pci:N"', o.device);
  if (o.maxPixels !== undefined && (!Number.isInteger(o.maxPixels) || o.maxPixels < 1))
    invalid('maxPixels', 'positive integer', o.maxPixels);
}
