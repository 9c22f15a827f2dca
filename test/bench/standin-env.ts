// For test/bench/build.mjs (run with vite-node, which vitest brings): builds the seed oracle and a test store for
// the brand key given as argv[2] (its public key file) in argv[3], and prints the stand-in ubuntu-image's
// environment as JSON, or {"skip": reason} when the oracle cannot be built here.
import { readFileSync } from 'node:fs';
import { buildSeedOracle, seedSkipReason, standInStore } from '../helpers/seed-store.js';

const [pubFile, storeDir] = process.argv.slice(2);
const oracle = buildSeedOracle();
const skip = seedSkipReason(oracle);
if (skip !== undefined || !oracle.ok) console.log(JSON.stringify({ skip: skip ?? 'no oracle' }));
else {
  const s = standInStore(storeDir!, oracle.binary, 'acme', readFileSync(pubFile!, 'utf8').trim());
  console.log(JSON.stringify({ env: s.env, pcGadget: s.pcGadget }));
}
