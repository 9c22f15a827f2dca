// Deriving a gadget from an upstream gadget snap: how real projects customise the pc and pi gadgets. The upstream
// snap is unpacked; its meta/gadget.yaml is parsed (parseGadget), customised and validated with snapd's rules; for a
// brand gadget (the prepare-gadget stage) the name and version in meta/snap.yaml change too, and the Coral
// custom-device slot is declared there when the project uses it. Boot assets are kept byte for byte, and the tree
// is packed again with Debian's snap pack (which checks gadget.yaml and that every content source exists).
import {
  applyCustomisation,
  CLOUD_CONF,
  gadgetSnapYaml,
  parseGadget,
  renderGadgetYaml,
  validateGadget,
} from '@coreforge/gadget';
import { SNAP_EPOCH } from '@coreforge/snaps';
import { createHash } from 'node:crypto';
import { mkdtemp, readFile, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { parse, stringify } from 'yaml';
import type { ProjectConfig } from '../config/types.js';
import { BuilderError } from '../errors.js';
import { writeFileAtomic } from '../fs/atomic.js';
import { moveFile } from '../fs/move.js';
import type { Run } from '../tools/run.js';
import { gadgetCustomisation } from './customisation.js';

export interface DeriveOptions {
  readonly baseSnap: string;
  readonly outSnap: string;
  readonly run: Run;
  readonly signal?: AbortSignal;
  /** Make it the brand gadget: this name in meta/snap.yaml, and a version that says what it was derived from. */
  readonly brandName?: string;
  /** Where the unpacked tree goes (default: the system temp folder); a build passes its own temp folder. */
  readonly tempDir?: string;
}

/** A snap version (at most 32 characters) saying "derived from VERSION, with this gadget.yaml". */
export function derivedVersion(baseVersion: string, gadgetYaml: string): string {
  const hash = createHash('sha256').update(gadgetYaml).digest('hex').slice(0, 8);
  const head = baseVersion
    .replace(/[^a-zA-Z0-9:.+~-]/g, '-')
    .slice(0, 32 - 1 - 8 - 3)
    .replace(/[^a-zA-Z0-9+~]+$/, '');
  return `${head || 'gadget'}+cf${hash}`;
}

/**
 * Writes the project's cloud-init user data as the gadget's cloud.conf (dangerous grade only, checked when the
 * project file loads; ubuntu-image refuses --cloud-init for UC20+ models, a dangerous gadget's cloud.conf is honoured).
 */
export async function writeCloudConf(config: ProjectConfig, gadgetDir: string): Promise<void> {
  if (config.gadget.cloudConf)
    await writeFileAtomic(path.join(gadgetDir, CLOUD_CONF), await readFile(config.gadget.cloudConf));
}

function setScalar(text: string, key: string, value: string): string {
  const re = new RegExp(`^${key}:.*$`, 'm');
  return re.test(text)
    ? text.replace(re, `${key}: ${JSON.stringify(value)}`)
    : `${key}: ${JSON.stringify(value)}\n${text}`;
}

export async function deriveGadget(
  config: ProjectConfig,
  o: DeriveOptions,
): Promise<{ snapFile: string; name: string; version: string; warnings: readonly string[] }> {
  const work = await mkdtemp(path.join(o.tempDir ?? tmpdir(), 'coreforge-derive-'));
  const where = path.basename(o.baseSnap);
  try {
    const tree = path.join(work, 'tree');
    await o.run('unsquashfs', ['-n', '-d', tree, o.baseSnap], {
      timeout: 300_000,
      ...(o.signal && { signal: o.signal }),
    });
    const read = async (rel: string) => {
      try {
        return await readFile(path.join(tree, rel), 'utf8');
      } catch (cause) {
        throw new BuilderError(
          'GADGET_BASE_INVALID',
          `cannot derive from "${o.baseSnap}": it has no readable ${rel}`,
          'pass an upstream gadget snap (pc or pi)',
          { cause },
        );
      }
    };
    const snapYamlText = await read('meta/snap.yaml');
    const snapYaml = parse(snapYamlText) as Record<string, unknown> | null;
    if (snapYaml?.type !== 'gadget')
      throw new BuilderError(
        'GADGET_BASE_INVALID',
        `cannot derive from "${o.baseSnap}": it is a snap of type "${String(snapYaml?.type ?? 'app')}", not a gadget`,
        'set gadget.base to a gadget snap (pc=24/stable, or a pc/pi .snap file)',
      );
    // snapd's seed writer refuses the same (seed/seedwriter checkBase), with these words.
    if ((snapYaml.base ?? 'core') !== config.base)
      throw new BuilderError(
        'GADGET_BASE_INVALID',
        `cannot use gadget snap because its base "${String(snapYaml.base ?? 'core')}" is different from model base "${config.base}"`,
        `derive from a gadget built for ${config.base} (for UC24: pc=24/stable or pi=24/stable)`,
      );
    let data: unknown;
    try {
      data = parse(await read('meta/gadget.yaml'));
    } catch (cause) {
      if (cause instanceof BuilderError) throw cause;
      throw new BuilderError(
        'GADGET_BASE_INVALID',
        `cannot derive from "${o.baseSnap}": its meta/gadget.yaml is not YAML: ${(cause as Error).message.split('\n')[0]}`,
        'pass an upstream gadget snap (pc or pi)',
        { cause },
      );
    }
    const base = parseGadget(data, `${where}: meta/gadget.yaml`);
    validateGadget(base); // a UC16 layout is refused here, as snapd refuses it
    const custom = gadgetCustomisation(config);
    const { yaml, warnings } = applyCustomisation(base, custom);
    validateGadget(yaml);
    const gadgetText = renderGadgetYaml(yaml, `Derived by coreforge from ${where}.`);
    await writeFileAtomic(path.join(tree, 'meta', 'gadget.yaml'), gadgetText);
    let name = String(snapYaml.name);
    let version = String(snapYaml.version);
    if (o.brandName) {
      name = o.brandName;
      version = derivedVersion(version, gadgetText);
      let text = setScalar(setScalar(snapYamlText, 'name', name), 'version', version);
      if (custom.coral === 'custom-device') {
        // The slot the inference snap's custom-device plug connects to (gadgetSnapYaml declares it).
        const slots = (gadgetSnapYaml(custom, version).slots ?? {}) as Record<string, unknown>;
        const doc = parse(text) as Record<string, unknown>;
        doc.slots = { ...(doc.slots as Record<string, unknown> | undefined), ...slots };
        text = stringify(doc, { lineWidth: 0 });
      }
      await writeFileAtomic(path.join(tree, 'meta', 'snap.yaml'), text);
    }
    await writeCloudConf(config, tree);
    const out = path.join(work, 'out');
    // snap pack's own temp file (.snap-pack-exclude-*) goes into the build's temp folder: a killed snap pack leaves it there.
    const env = { SOURCE_DATE_EPOCH: String(SNAP_EPOCH), ...(o.tempDir !== undefined && { TMPDIR: o.tempDir }) };
    await o.run('snap', ['pack', tree, out], { timeout: 600_000, env, ...(o.signal && { signal: o.signal }) });
    const packed = (await readdir(out)).find((f) => f.endsWith('.snap'));
    if (!packed) throw new BuilderError('TOOL_FAILED', 'snap pack finished but wrote no .snap file');
    await moveFile(path.join(out, packed), o.outSnap);
    return { snapFile: o.outSnap, name, version, warnings };
  } finally {
    await rm(work, { recursive: true, force: true });
  }
}
