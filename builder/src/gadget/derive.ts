// coreforge gadget derive BASE.snap -o OUT.snap: how real projects customise the pc and pi gadgets. The
// upstream gadget snap is unpacked, only its meta/gadget.yaml is changed (boot assets are kept byte for
// byte), the result is validated with snapd's rules, then packed again with Debian's snap pack.
import { applyCustomisation, parseGadget, renderGadgetYaml, validateGadget } from '@coreforge/gadget';
import { mkdtemp, readFile, readdir, rename, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { parse } from 'yaml';
import type { ProjectConfig } from '../config/types.js';
import { BuilderError } from '../errors.js';
import { writeFileAtomic } from '../fs/atomic.js';
import type { Run } from '../tools/run.js';
import { gadgetCustomisation } from './customisation.js';

export interface DeriveOptions {
  readonly baseSnap: string;
  readonly outSnap: string;
  readonly run: Run;
  readonly signal?: AbortSignal;
}

export async function deriveGadget(config: ProjectConfig, o: DeriveOptions): Promise<{ snapFile: string; warnings: readonly string[] }> {
  const work = await mkdtemp(path.join(tmpdir(), 'coreforge-derive-'));
  try {
    const tree = path.join(work, 'tree');
    await o.run('unsquashfs', ['-n', '-d', tree, o.baseSnap], { timeout: 300_000, ...(o.signal && { signal: o.signal }) });
    const file = path.join(tree, 'meta', 'gadget.yaml');
    let data: unknown;
    try {
      data = parse(await readFile(file, 'utf8'));
    } catch (cause) {
      throw new BuilderError('INPUT_INVALID', `cannot derive from "${o.baseSnap}": it has no readable meta/gadget.yaml`, 'pass an upstream gadget snap (pc or pi)', { cause });
    }
    const base = parseGadget(data, `${path.basename(o.baseSnap)}: meta/gadget.yaml`);
    const { yaml, warnings } = applyCustomisation(base, gadgetCustomisation(config));
    validateGadget(yaml);
    await writeFileAtomic(file, renderGadgetYaml(yaml, `Derived by coreforge from ${path.basename(o.baseSnap)}.`));
    // The project's cloud-init user data (dangerous grade only, checked when the project file loads).
    if (config.gadget.cloudConf) await writeFileAtomic(path.join(tree, 'cloud.conf'), await readFile(config.gadget.cloudConf));
    const out = path.join(work, 'out');
    await o.run('snap', ['pack', tree, out], { timeout: 600_000, env: { SOURCE_DATE_EPOCH: '1704067200' }, ...(o.signal && { signal: o.signal }) });
    const packed = (await readdir(out)).find((f) => f.endsWith('.snap'));
    if (!packed) throw new BuilderError('TOOL_FAILED', 'snap pack finished but wrote no .snap file');
    await rename(path.join(out, packed), o.outSnap);
    return { snapFile: o.outSnap, warnings };
  } finally {
    await rm(work, { recursive: true, force: true });
  }
}
