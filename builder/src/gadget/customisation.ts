// ProjectConfig -> the gadget customisation (defaults, connections, Coral access, kernel command line, partitions).
import { CLOUD_CONF, type GadgetCustomisation } from '@coreforge/gadget';
import type { ProjectConfig } from '../config/types.js';

export function gadgetCustomisation(config: ProjectConfig): GadgetCustomisation {
  const inf = config.inference;
  return {
    target: config.target,
    inferenceSnap: { name: inf.snapName, ...(inf.snapId !== undefined && { id: inf.snapId }) },
    // The Coral custom-device slot lives in the brand gadget, so connections name it by the brand gadget's id.
    ...(config.gadget.snapId !== undefined && { gadgetSnapId: config.gadget.snapId }),
    service: { port: inf.port, bind: inf.bind, threads: inf.threads },
    ...(inf.accelerator !== 'none' && { coral: inf.coralAccess }),
    kernelCmdline: config.gadget.kernelCmdline,
    partitions: config.gadget.partitions,
  };
}

/**
 * What the project changes of the target's reference gadget, in words; empty when the store's gadget is used as
 * it is. Any change (or an explicit gadget.base) makes the build derive a brand gadget (the prepare-gadget stage).
 * Connections name snaps by store id, so they exist only for an inference snap with an id. Service defaults are
 * written into any derived gadget (keyed by that id) but need none by themselves: the snap's own wrappers start
 * with the same values from the project.
 */
export function gadgetChanges(config: ProjectConfig): string[] {
  const inf = config.inference;
  const g = config.gadget;
  const changes: string[] = [];
  if (g.base) changes.push('gadget.base is set');
  if (inf.accelerator !== 'none' && inf.snapId !== undefined) changes.push(`the Coral connection (${inf.coralAccess})`);
  if (inf.accelerator !== 'none' && inf.coralAccess === 'custom-device') changes.push('the Coral custom-device slot');
  if (g.kernelCmdline.append.length + g.kernelCmdline.allow.length > 0) changes.push('the kernel command line');
  if (g.partitions.length > 0) changes.push('extra partitions');
  if (g.cloudConf !== undefined) changes.push(CLOUD_CONF);
  return changes;
}
