// A small loader shim that lets LiteRT.js (@litertjs/core, written for browsers and workers) run in Node 20:
// its loader calls importScripts() on an Emscripten script that sets self.ModuleFactory, and the module
// then fetches its .wasm by URL. Here importScripts runs the script in this context and hands the .wasm
// bytes over directly. Used only by the benchmark.
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import vm from 'node:vm';

/** LiteRT.js loaded for Node, and `variant`: which of its WASM builds it chose (compat = no relaxed SIMD). */
export async function loadLiteRtForNode() {
  let variant;
  const dir = path.join(path.dirname(createRequire(import.meta.url).resolve('@litertjs/core/package.json')), 'wasm');
  globalThis.self ??= globalThis;
  // The Emscripten script detects Node and calls require('node:fs') itself.
  globalThis.require ??= createRequire(import.meta.url);
  globalThis.__dirname ??= dir;
  globalThis.navigator ??= {}; // no WebGPU here: LiteRT.js then runs its WASM CPU path without complaint
  globalThis.importScripts = (file) => {
    const js = file.toString();
    variant = path.basename(js).replace(/_internal\.js$/, '');
    vm.runInThisContext(readFileSync(js, 'utf8'), { filename: js });
    globalThis.ModuleFactory = globalThis.ModuleFactory ?? vm.runInThisContext('ModuleFactory');
    globalThis.Module = {
      wasmBinary: readFileSync(js.replace(/\.js$/, '.wasm')),
      locateFile: (f) => path.join(dir, f),
    };
  };
  const litert = await import('@litertjs/core');
  await litert.loadLiteRt(`${dir}/`);
  return { ...litert, variant };
}
