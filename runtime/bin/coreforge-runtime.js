#!/usr/bin/env node
// The runtime's one exit point.
import process from 'node:process';
import { main } from '../dist/cli/main.js';

const io = {
  out: (text) => process.stdout.write(text.endsWith('\n') ? text : `${text}\n`),
  err: (text) => process.stderr.write(text.endsWith('\n') ? text : `${text}\n`),
  env: process.env,
};
process.exitCode = await main(process.argv.slice(2), io);
