// ProjectConfig -> the gadget customisation (defaults, connections, Coral access, kernel command line, partitions).
import type { GadgetCustomisation } from '@coreforge/gadget';
import type { ProjectConfig } from '../config/types.js';

export function gadgetCustomisation(config: ProjectConfig): GadgetCustomisation {
  const inf = config.inference;
  return {
    target: config.target,
    inferenceSnap: { name: inf.snapName, ...(inf.snapId !== undefined && { id: inf.snapId }) },
    service: { port: inf.port, bind: inf.bind, threads: inf.threads },
    ...(inf.accelerator !== 'none' && { coral: inf.coralAccess }),
    kernelCmdline: config.gadget.kernelCmdline,
    partitions: config.gadget.partitions,
  };
}
