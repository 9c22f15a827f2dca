// The registry of CLI commands: one file per command group, listed here in help order.
// A command file exports `register(program, ctx)` and adds only commands that work.
import type { Command } from 'commander';
import type { CliContext } from '../context.js';
import { registerBuild } from './build.js';
import { registerCi } from './ci.js';
import { registerConfig } from './config.js';
import { registerDoctor } from './doctor.js';
import { registerFlash } from './flash.js';
import { registerGadget } from './gadget.js';
import { registerInit } from './init.js';
import { registerKeys } from './keys.js';
import { registerModel } from './model.js';
import { registerRelease } from './release.js';
import { registerSnap } from './snap.js';
import { registerTest } from './test.js';

export type RegisterCommand = (program: Command, ctx: CliContext) => void;

export const COMMANDS: readonly RegisterCommand[] = [
  registerInit,
  registerConfig,
  registerDoctor,
  registerBuild,
  registerKeys,
  registerModel,
  registerSnap,
  registerGadget,
  registerTest,
  registerRelease,
  registerFlash,
  registerCi,
];
