// The project file as the schema admits it (kebab-case keys, defaults not applied yet). Enum fields use the
// types of types.ts (from the leaf packages), which leaf-facts.test.ts pins to the schema's enums.
import type {
  Accelerator,
  Base,
  CoralAccess,
  EdgetpuRuntime,
  ExtraSnapType,
  Grade,
  ImageCompression,
  PartitionFilesystem,
  Presence,
  SigningBackend,
  SnapCompression,
  StorageSafety,
  Target,
  ValidationSetMode,
} from './types.js';

export interface RawProject {
  name: string;
  target: Target;
  brand: string;
  model: string;
  'display-name'?: string;
  grade?: Grade;
  'storage-safety'?: StorageSafety;
  base?: Base;
  snaps?: {
    name: string;
    id?: string;
    type?: ExtraSnapType;
    channel?: string;
    presence?: Presence;
    modes?: string[];
  }[];
  inference: {
    'snap-name'?: string;
    'snap-id'?: string;
    model: string;
    'edgetpu-model'?: string;
    labels: string;
    accelerator?: Accelerator;
    'edgetpu-runtime'?: EdgetpuRuntime;
    'coral-access'?: CoralAccess;
    port?: number;
    bind?: string;
    threads?: number;
    'top-k'?: number;
    compression?: SnapCompression;
    version?: string;
    'coral-apt-key'?: string;
    /** A version or a path; YAML reads an unquoted 2.19 as a number (normalize checks it). */
    tflite?: unknown;
  };
  gadget?: {
    'kernel-cmdline'?: { append?: string[]; allow?: string[] };
    partitions?: { name: string; size: string; filesystem?: PartitionFilesystem }[];
    'cloud-init'?: string;
    base?: string;
    'snap-name'?: string;
    'snap-id'?: string;
  };
  'validation-sets'?: { 'account-id'?: string; name: string; sequence?: number; mode: ValidationSetMode }[];
  signing?: { key?: string; backend?: SigningBackend };
  output?: string;
  image?: { size?: string; compression?: ImageCompression };
  release?: {
    track?: string;
    plan?: { channel: 'edge' | 'beta' | 'candidate' | 'stable'; percent?: number; soak?: string }[];
    health?: { url?: string; command?: string[]; timeout?: number };
  };
}
