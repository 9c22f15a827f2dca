// prepare-gadget: derive the brand gadget when the project changes anything of the gadget (service defaults, the
// Coral connection and custom-device slot, kernel command line, partitions, cloud.conf) or names its own base
// (gadget.base). The base is a local .snap or a store snap fetched with `snap download`; the derived snap (only
// meta/gadget.yaml, and name/version in meta/snap.yaml, change) is packed with snap pack -> out/<name>_<version>.snap.
// The model (sign-model, next) names it. Without changes the stage does nothing and the model names pc/pi.
import { GADGET_SNAP, REFERENCE_CHANNEL } from '@coreforge/gadget';
import { mkdir, mkdtemp, readdir, rm } from 'node:fs/promises';
import path from 'node:path';
import { BuilderError, isExpectedError } from '../../errors.js';
import { moveFile } from '../../fs/move.js';
import { gadgetChanges } from '../../gadget/customisation.js';
import { deriveGadget } from '../../gadget/derive.js';
import { defineStage, type BuildContext } from '../stage.js';

/** `snap download` argv for a store gadget (writes NAME_REV.snap and NAME_REV.assert into dir). */
export function snapDownloadArgs(name: string, channel: string, dir: string): string[] {
  return ['download', name, `--channel=${channel}`, `--target-directory=${dir}`];
}

async function baseGadgetFile(ctx: Omit<BuildContext, 'artifacts'>, work: string): Promise<string> {
  const base = ctx.config.gadget.base ?? {
    kind: 'store' as const,
    name: GADGET_SNAP[ctx.config.target],
    channel: REFERENCE_CHANNEL,
  };
  if (base.kind === 'file') return base.file;
  ctx.log(`snap download ${base.name} --channel=${base.channel}`);
  try {
    await ctx.run('snap', snapDownloadArgs(base.name, base.channel, work), {
      timeout: 600_000,
      env: { TMPDIR: ctx.tempDir },
      signal: ctx.signal,
      onOutput: ctx.log,
    });
  } catch (cause) {
    if (!isExpectedError(cause)) throw cause;
    throw new BuilderError(
      'TOOL_FAILED',
      `cannot fetch the base gadget "${base.name}" (channel ${base.channel}) with snap download: ${cause.message}`,
      `where the Snap Store is reachable run "snap download ${base.name} --channel=${base.channel}", then set gadget.base to the .snap file it writes`,
      { cause },
    );
  }
  const file = (await readdir(work)).find((f) => f.endsWith('.snap'));
  if (!file) throw new BuilderError('TOOL_FAILED', `snap download ${base.name} finished but wrote no .snap file`);
  return path.join(work, file);
}

export const prepareGadgetStage = defineStage({
  name: 'prepare-gadget',
  title: 'Derive the brand gadget (snap pack)',
  requiredTools: ({ config }) => (gadgetChanges(config).length > 0 ? ['snap', 'unsquashfs'] : []),
  makes: [],
  // Only when the project changes the gadget: otherwise the model names the store's reference gadget.
  mayMake: ['gadget'],
  // Everything deriveGadget and gadgetCustomisation read: the base gadget (a file by content; a store snap by
  // name and channel, so a new upload in that channel needs --force), the gadget subtree, the cloud.conf file,
  // the target and base, and the inference snap's fields that go into defaults and connections.
  inputs: ({ config }) => {
    const base = config.gadget.base;
    const inf = config.inference;
    return {
      files: {
        'gadget base': base?.kind === 'file' ? base.file : undefined,
        'gadget cloud.conf': config.gadget.cloudConf,
      },
      config: {
        target: config.target,
        base: config.base,
        gadget: config.gadget,
        'inference.snap-name': inf.snapName,
        'inference.snap-id': inf.snapId,
        'inference.port': inf.port,
        'inference.bind': inf.bind,
        'inference.threads': inf.threads,
        'inference.accelerator': inf.accelerator,
        'inference.coral-access': inf.coralAccess,
        output: config.output,
      },
      values: { 'gadget changes': gadgetChanges(config) },
    };
  },
  async run(ctx) {
    const { config } = ctx;
    const changes = gadgetChanges(config);
    if (changes.length === 0) {
      ctx.log(`nothing of the gadget changes: the model names the store's "${GADGET_SNAP[config.target]}" gadget`);
      return {};
    }
    ctx.log(`deriving "${config.gadget.snapName}" for ${changes.join(', ')}`);
    await mkdir(config.output, { recursive: true });
    const work = await mkdtemp(path.join(ctx.tempDir, 'gadget-base-'));
    try {
      const baseSnap = await baseGadgetFile(ctx, work);
      const tmp = path.join(work, 'derived.snap');
      const r = await deriveGadget(config, {
        baseSnap,
        outSnap: tmp,
        run: ctx.run,
        signal: ctx.signal,
        brandName: config.gadget.snapName,
        tempDir: ctx.tempDir,
      });
      for (const w of r.warnings) ctx.warn(w);
      const gadget = path.join(config.output, `${r.name}_${r.version}.snap`);
      await moveFile(tmp, gadget);
      return { gadget };
    } finally {
      await rm(work, { recursive: true, force: true });
    }
  },
});
