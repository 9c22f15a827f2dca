// coreforge release register|upload|promote|progressive|status|rollback|next: shipping through the Snap Store.
import path from 'node:path';
import { Option, type Command } from 'commander';
import { DEFAULT_PROJECT_FILE, loadProjectConfig } from '../../config/load.js';
import { RISKS, type Risk } from '../../config/types.js';
import { BuilderError } from '../../errors.js';
import {
  formatStatus,
  next,
  progressive,
  promote,
  registerSnap,
  rollback,
  status,
  uploadSnap,
  type ReleaseContext,
} from '../../release/release.js';
import type { RegisterCommand } from './index.js';

/** COREFORGE_RELEASE_NOW (ISO time) stands in for the clock, for scripted rollouts and tests. */
function clock(env: Readonly<Record<string, string | undefined>>): () => Date {
  const fixed = env.COREFORGE_RELEASE_NOW;
  if (fixed === undefined) return () => new Date();
  const t = Date.parse(fixed);
  if (Number.isNaN(t))
    throw new BuilderError(
      'INPUT_INVALID',
      `COREFORGE_RELEASE_NOW="${fixed}" is not an ISO time`,
      'for example COREFORGE_RELEASE_NOW=2026-12-02T10:00:00Z',
    );
  return () => new Date(t);
}

const risk = (flag: string, description: string, def?: Risk) => {
  const o = new Option(flag, description).choices(RISKS);
  return def ? o.default(def) : o.makeOptionMandatory();
};

export const registerRelease: RegisterCommand = (program: Command, ctx) => {
  const release = program
    .command('release')
    .description(
      'ship the inference snap through the Snap Store with snapcraft: upload, channels, progressive releases, promotion, rollback',
    )
    .option('-c, --config <file>', 'project file', DEFAULT_PROJECT_FILE)
    .option('--dry-run', 'print the snapcraft commands that would run, and run none that change the store');
  const context = async (): Promise<ReleaseContext> => {
    const opts = release.opts() as { config: string; dryRun?: boolean };
    const config = await loadProjectConfig(path.resolve(ctx.cwd, opts.config), { env: ctx.env });
    return {
      config,
      run: ctx.run,
      dryRun: opts.dryRun === true,
      now: clock(ctx.env),
      log: (line) => ctx.out(line),
      signal: ctx.signal,
    };
  };

  release
    .command('register')
    .description("register the inference snap's name with the store (snapcraft register)")
    .addHelpText('after', '\nExample:\n  $ coreforge release register --dry-run')
    .action(async () => registerSnap(await context()));

  release
    .command('upload')
    .description(
      'upload the snap from the last build and release it to a channel; prints the delta devices on that channel will download',
    )
    .addOption(risk('--channel <risk>', 'channel to release the upload to', 'edge'))
    .option('--snap <file>', "the .snap to upload (default: the last build's)")
    .option('--gadget <file>', 'the brand gadget snap to upload too (default: the one the last build made, if any)')
    .option('--no-gadget', 'do not upload the brand gadget')
    .addHelpText(
      'after',
      '\nExamples:\n  $ coreforge release upload\n  $ coreforge release upload --snap out/classifier_1.2.0_amd64.snap --channel beta --dry-run',
    )
    .action(async (opts: { channel: Risk; snap?: string; gadget?: string | boolean }) => {
      const c = await context();
      await uploadSnap(c, {
        channel: opts.channel,
        ...(opts.snap && { snap: path.resolve(ctx.cwd, opts.snap) }),
        ...(typeof opts.gadget === 'string' && { gadget: path.resolve(ctx.cwd, opts.gadget) }),
        ...(opts.gadget === false && { noGadget: true }),
      });
    });

  release
    .command('promote')
    .description('release what one channel holds to another (snapcraft promote)')
    .addOption(risk('--from <risk>', 'source channel'))
    .addOption(risk('--to <risk>', 'target channel'))
    .addHelpText('after', '\nExample:\n  $ coreforge release promote --from beta --to candidate')
    .action(async (opts: { from: Risk; to: Risk }) => promote(await context(), opts.from, opts.to));

  release
    .command('progressive')
    .description("release a revision to a percentage of a channel's devices (snapcraft release --progressive)")
    .addOption(risk('--channel <risk>', 'channel'))
    .requiredOption('--percent <n>', "share of the channel's devices, 1-100", (v) => Number(v))
    .option('--revision <n>', 'revision (default: the last one uploaded)', (v) => Number(v))
    .addHelpText('after', '\nExample:\n  $ coreforge release progressive --channel beta --percent 20')
    .action(async (opts: { channel: Risk; percent: number; revision?: number }) =>
      progressive(await context(), opts.channel, opts.percent, opts.revision),
    );

  release
    .command('status')
    .description('what revision each channel and architecture holds, and the rollout percentages (snapcraft status)')
    .option('--json', 'print JSON')
    .addHelpText('after', '\nExample:\n  $ coreforge release status --json')
    .action(async (opts: { json?: boolean }) => {
      const rows = await status(await context());
      ctx.out(opts.json ? JSON.stringify(rows, null, 2) : formatStatus(rows));
    });

  release
    .command('rollback')
    .description('return a channel to the revision it held before (or stop its progressive release)')
    .addOption(risk('--channel <risk>', 'channel'))
    .addHelpText('after', '\nExample:\n  $ coreforge release rollback --channel stable')
    .action(async (opts: { channel: Risk }) => {
      await rollback(await context(), opts.channel);
    });

  release
    .command('next')
    .description('advance the rollout plan (release.plan) by exactly one step, after its soak time and health gate')
    .addHelpText('after', '\nExamples:\n  $ coreforge release next --dry-run\n  $ coreforge release next')
    .action(async () => {
      await next(await context());
    });
};
