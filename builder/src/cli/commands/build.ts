// coreforge build: the whole pipeline, one task per stage, with --until/--thru/--dry-run/--resume.
import path from 'node:path';
import { DEFAULT_PROJECT_FILE, loadProjectConfig } from '../../config/load.js';
import { buildImage, defaultWorkdir, planBuild } from '../../pipeline/runner.js';
import { STAGE_NAMES } from '../../pipeline/stage.js';
import { STAGES } from '../../pipeline/stages.js';
import type { RegisterCommand } from './index.js';

interface BuildFlags {
  config: string;
  until?: string;
  thru?: string;
  dryRun?: boolean;
  resume?: boolean;
  force?: boolean;
  workdir?: string;
  snapcraft?: boolean;
  keysDir?: string;
  json?: boolean;
  snap: string[];
  channel?: string;
  fromStore: string[];
}

const collect = (value: string, previous: string[]) => [...previous, value];

export const registerBuild: RegisterCommand = (program, ctx) => {
  program
    .command('build')
    .description(`build the image: ${STAGE_NAMES.join(' -> ')}`)
    .option('-c, --config <file>', 'project file', DEFAULT_PROJECT_FILE)
    .option('-u, --until <stage>', 'stop before this stage')
    .option('-t, --thru <stage>', 'stop after this stage')
    .option('--dry-run', 'print the plan and exit')
    .option(
      '-r, --resume',
      'accepted for old scripts: every build skips the stages whose inputs and outputs are unchanged',
    )
    .option('-f, --force', 'run every selected stage, even unchanged ones')
    .option('-w, --workdir <dir>', 'scratch folder (default: <output>/.coreforge-build)')
    .option('--snapcraft', 'build the inference snap with snapcraft instead of the offline packer')
    .option('--keys-dir <dir>', 'key store folder')
    .option(
      '--snap <file>',
      'another local snap for the image: with its .assert (from snap download) for signed grades, or an extra snap (dangerous); repeatable',
      collect,
      [],
    )
    .option('--channel <channel>', "ubuntu-image --channel: every snap's channel (dangerous grade only)")
    .option(
      '--from-store <name>',
      "take this model snap from the store at the model's channel instead of the local build; repeatable",
      collect,
      [],
    )
    .option('--json', 'print the result as JSON (no progress output)')
    .addHelpText(
      'after',
      `\nStages: ${STAGE_NAMES.join(', ')}\n\nExamples:\n  $ coreforge build\n  $ coreforge build --until build-image\n  $ coreforge build --dry-run\n  $ coreforge build --json`,
    )
    .action(async (opts: BuildFlags) => {
      const config = await loadProjectConfig(path.resolve(ctx.cwd, opts.config), { env: ctx.env });
      const request = {
        config,
        stages: STAGES,
        options: {
          snapcraft: Boolean(opts.snapcraft),
          ...(opts.keysDir && { keysDir: path.resolve(ctx.cwd, opts.keysDir) }),
          ...(opts.snap.length > 0 && { snaps: opts.snap.map((f) => path.resolve(ctx.cwd, f)) }),
          ...(opts.channel !== undefined && { channel: opts.channel }),
          ...(opts.fromStore.length > 0 && { fromStore: opts.fromStore }),
        },
        workdir: opts.workdir ? path.resolve(ctx.cwd, opts.workdir) : defaultWorkdir(config),
        force: Boolean(opts.force),
        ...(opts.until !== undefined && { until: opts.until }),
        ...(opts.thru !== undefined && { thru: opts.thru }),
      };
      if (opts.dryRun) {
        const plan = await planBuild(request);
        ctx.out(
          opts.json
            ? JSON.stringify(plan, null, 2)
            : plan.map((p, i) => `${i + 1}. ${p.name.padEnd(15)} ${p.action.padEnd(5)} ${p.reason}`).join('\n'),
        );
        return;
      }
      const result = await buildImage({
        ...request,
        run: ctx.run,
        env: ctx.env,
        signal: ctx.signal,
        renderer: opts.json ? 'silent' : ctx.isTTY ? 'default' : 'simple',
      });
      if (opts.json) ctx.out(JSON.stringify(result, null, 2));
      else {
        for (const w of result.warnings) ctx.err(`warning: ${w}`);
        ctx.out(
          Object.entries(result.artifacts)
            .map(([k, v]) => `${k.padEnd(9)} ${path.relative(ctx.cwd, v) || v}`)
            .join('\n'),
        );
      }
    });
};
