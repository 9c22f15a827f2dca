import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { isRuntimeError, RUNTIME_ERROR_CODES, RuntimeError } from './errors.js';
import { nativeCode } from './native.js';

const NATIVE = fileURLToPath(new URL('../native/', import.meta.url));

describe('RuntimeError codes', () => {
  it('every code the addon sets (a NativeError {"CODE", message} in runtime/native) is a RuntimeErrorCode', () => {
    const codes = new Set<string>();
    for (const file of readdirSync(NATIVE).filter((f) => f.endsWith('.cc')))
      for (const m of readFileSync(NATIVE + file, 'utf8').matchAll(/\{"([A-Z][A-Z_]+)",/g)) codes.add(m[1]!);
    expect(codes.size).toBeGreaterThan(5);
    expect([...codes].filter((c) => !(RUNTIME_ERROR_CODES as readonly string[]).includes(c))).toEqual([]);
  });

  it('nativeCode reads the code field, and only a known code', () => {
    expect(nativeCode(Object.assign(new Error('no Edge TPU device found'), { code: 'EDGETPU_UNAVAILABLE' }))).toBe(
      'EDGETPU_UNAVAILABLE',
    );
    expect(nativeCode(Object.assign(new Error('x'), { code: 'ENOENT' }))).toBeUndefined();
    expect(nativeCode(new Error('EDGETPU_UNAVAILABLE: in the text'))).toBeUndefined();
    expect(nativeCode(null)).toBeUndefined();
  });

  it('is recognised by its brand, not by its name or its code', () => {
    expect(isRuntimeError(new RuntimeError('CLOSED', 'closed'))).toBe(true);
    const lookalike = Object.assign(new Error('closed'), { name: 'RuntimeError', code: 'CLOSED' });
    expect(isRuntimeError(lookalike)).toBe(false);
    expect(isRuntimeError(undefined)).toBe(false);
  });
});
