import { expect, test } from 'vitest';
import { droppedOptionalDependencies, fitsTarget, type LockPackage } from './npm-target.js';

test('prebuilt packages are picked by os, cpu and libc', () => {
  expect(fitsTarget({ os: ['linux'], cpu: ['arm64'], libc: ['glibc'] }, 'arm64')).toBe(true);
  expect(fitsTarget({ os: ['linux'], cpu: ['x64'], libc: ['glibc'] }, 'arm64')).toBe(false);
  expect(fitsTarget({ os: ['linux'], cpu: ['arm64'], libc: ['musl'] }, 'arm64')).toBe(false);
  expect(fitsTarget({ os: ['darwin'] }, 'amd64')).toBe(false);
  expect(fitsTarget({ cpu: ['!arm'] }, 'amd64')).toBe(true);
  expect(fitsTarget({}, 'amd64')).toBe(true);
});

// sharp's shape in a package-lock.json: platform packages as optional dependencies, each with os/cpu/libc.
const lock: Record<string, LockPackage> = {
  '': { optionalDependencies: {} },
  'node_modules/sharp': {
    version: '0.34.5',
    optionalDependencies: {
      '@img/sharp-linux-arm64': '0.34.5',
      '@img/sharp-linux-x64': '0.34.5',
      '@img/sharp-linuxmusl-arm64': '0.34.5',
      '@img/sharp-wasm32': '0.34.5',
    },
  },
  'node_modules/@img/sharp-linux-arm64': {
    version: '0.34.5',
    optional: true,
    os: ['linux'],
    cpu: ['arm64'],
    libc: ['glibc'],
    optionalDependencies: { '@img/sharp-libvips-linux-arm64': '1.2.4' },
  },
  'node_modules/@img/sharp-libvips-linux-arm64': {
    version: '1.2.4',
    optional: true,
    os: ['linux'],
    cpu: ['arm64'],
    libc: ['glibc'],
  },
  'node_modules/@img/sharp-linux-x64': {
    version: '0.34.5',
    optional: true,
    os: ['linux'],
    cpu: ['x64'],
    libc: ['glibc'],
  },
  'node_modules/@img/sharp-linuxmusl-arm64': {
    version: '0.34.5',
    optional: true,
    os: ['linux'],
    cpu: ['arm64'],
    libc: ['musl'],
  },
  // No os/cpu of its own, but only wanted by sharp-wasm32, which is not installed: not expected either.
  'node_modules/@img/sharp-wasm32': {
    version: '0.34.5',
    optional: true,
    cpu: ['wasm32'],
    optionalDependencies: { '@emnapi/runtime': '^1.7.0' },
  },
  'node_modules/@emnapi/runtime': { version: '1.7.1', optional: true },
};

test('optional dependencies for the target that npm did not install are reported; those for other platforms are not', () => {
  const all = new Set([
    'node_modules/sharp',
    'node_modules/@img/sharp-linux-arm64',
    'node_modules/@img/sharp-libvips-linux-arm64',
  ]);
  expect(droppedOptionalDependencies(lock, (k) => all.has(k), 'arm64')).toEqual([]);
  // npm --offline without the arm64 tarballs in its cache: it skips them and exits 0.
  expect(droppedOptionalDependencies(lock, (k) => k === 'node_modules/sharp', 'arm64')).toEqual([
    { name: '@img/sharp-linux-arm64', from: 'sharp' },
  ]);
  const withoutVips = new Set(['node_modules/sharp', 'node_modules/@img/sharp-linux-arm64']);
  expect(droppedOptionalDependencies(lock, (k) => withoutVips.has(k), 'arm64')).toEqual([
    { name: '@img/sharp-libvips-linux-arm64', from: '@img/sharp-linux-arm64' },
  ]);
  // amd64: the x64 package is the one expected.
  expect(droppedOptionalDependencies(lock, (k) => k === 'node_modules/sharp', 'amd64')).toEqual([
    { name: '@img/sharp-linux-x64', from: 'sharp' },
  ]);
});

test('an optional dependency npm could not even resolve (no lock entry) is reported, nested ones are found where Node finds them', () => {
  expect(
    droppedOptionalDependencies(
      { '': { optionalDependencies: { '@img/sharp-linux-arm64': '0.34.5' } } },
      () => false,
      'arm64',
    ),
  ).toEqual([{ name: '@img/sharp-linux-arm64', from: '' }]);
  const nested: Record<string, LockPackage> = {
    '': {},
    'node_modules/a': { optionalDependencies: { b: '1.0.0' } },
    'node_modules/a/node_modules/b': { optional: true },
    'node_modules/b': { optional: true, cpu: ['s390x'] },
  };
  expect(
    droppedOptionalDependencies(
      nested,
      (k) => k === 'node_modules/a' || k === 'node_modules/a/node_modules/b',
      'amd64',
    ),
  ).toEqual([]);
  expect(droppedOptionalDependencies(nested, (k) => k === 'node_modules/a', 'amd64')).toEqual([
    { name: 'b', from: 'a' },
  ]);
});
