// What the build knows about a local snap file before ubuntu-image sees it: its name and type (meta/snap.yaml),
// whether the .assert beside it (what snap download writes) has a snap-revision for exactly this file, and, for a
// gadget, that its gadget.yaml and base are ones snapd's seed writer accepts for the model.
import { parseGadget, validateGadget } from '@coreforge/gadget';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { parse } from 'yaml';
import { BuilderError } from '../errors.js';
import type { Run } from '../tools/run.js';
import { snapFileSha3384, snapRevisionFor } from './snap-assertions.js';
import type { LocalSnapFile } from './snap-sources.js';

export interface LocalSnapInfo extends LocalSnapFile {
  readonly type: string;
  readonly base?: string;
}

async function cat(run: Run, file: string, member: string, signal?: AbortSignal): Promise<string | undefined> {
  const r = await run('unsquashfs', ['-cat', file, member], {
    timeout: 120_000,
    reject: false,
    ...(signal && { signal }),
  });
  return r.exitCode === 0 ? r.stdout : undefined;
}

/** The .assert file snap download writes beside NAME_REV.snap. */
export const assertFileOf = (snapFile: string) => snapFile.replace(/\.snap$/, '') + '.assert';

export async function inspectLocalSnap(
  run: Run,
  file: string,
  modelBase: string,
  signal?: AbortSignal,
): Promise<LocalSnapInfo> {
  const yamlText = await cat(run, file, 'meta/snap.yaml', signal);
  const meta = yamlText === undefined ? undefined : (parse(yamlText) as Record<string, unknown> | null);
  if (!meta || typeof meta.name !== 'string')
    throw new BuilderError(
      'INPUT_INVALID',
      `cannot use "${file}" in the image: it is not a snap (no readable meta/snap.yaml)`,
      'pass .snap files made by snap pack, snapcraft or snap download',
    );
  const type = typeof meta.type === 'string' ? meta.type : 'app';
  if (type === 'gadget') {
    // snapd's seed writer checks the same two things (seedwriter checkBase, gadget.Validate), in these words.
    const base = typeof meta.base === 'string' ? meta.base : 'core';
    if (base !== modelBase)
      throw new BuilderError(
        'SEED_REFUSED',
        `cannot use gadget snap because its base "${base}" is different from model base "${modelBase}"`,
        `use a gadget built for ${modelBase}`,
      );
    const gadgetText = await cat(run, file, 'meta/gadget.yaml', signal);
    if (gadgetText === undefined)
      throw new BuilderError(
        'SEED_REFUSED',
        `cannot use gadget snap "${file}": it has no meta/gadget.yaml`,
        'pass a gadget snap (pc, pi or the brand gadget)',
      );
    validateGadget(parseGadget(parse(gadgetText) as unknown, `${path.basename(file)}: meta/gadget.yaml`));
  }
  const info = { file, name: meta.name, type, ...(typeof meta.base === 'string' && { base: meta.base }) };
  const assertFile = assertFileOf(file);
  const text = await readFile(assertFile, 'utf8').catch(() => undefined);
  if (text === undefined) return info;
  const assertion = snapRevisionFor(text, await snapFileSha3384(file));
  return assertion
    ? { ...info, assertion }
    : { ...info, assertionProblem: `${path.basename(assertFile)} has no snap-revision for this file` };
}
