// The project file as the schema admits it (kebab-case keys, defaults not applied yet).

export interface RawProject {
  name: string;
  target: 'pc-amd64' | 'pi-arm64';
  brand: string;
  model: string;
  'display-name'?: string;
  grade?: 'dangerous' | 'signed' | 'secured';
  'storage-safety'?: 'encrypted' | 'prefer-encrypted' | 'prefer-unencrypted';
  base?: 'core24';
  snaps?: {
    name: string;
    id?: string;
    type?: 'app' | 'base' | 'core' | 'snapd';
    channel?: string;
    presence?: 'required' | 'optional';
    modes?: string[];
  }[];
  inference: {
    'snap-name'?: string;
    'snap-id'?: string;
    model: string;
    'edgetpu-model'?: string;
    labels: string;
    accelerator?: 'none' | 'coral-usb' | 'coral-pcie';
    'edgetpu-runtime'?: 'std' | 'max';
    'coral-access'?: 'raw-usb' | 'custom-device';
    port?: number;
    bind?: string;
    threads?: number;
    'top-k'?: number;
    compression?: 'xz' | 'lzo';
    version?: string;
    'coral-apt-key'?: string;
    /** A version or a path; YAML reads an unquoted 2.19 as a number (normalize checks it). */
    tflite?: unknown;
  };
  gadget?: {
    'kernel-cmdline'?: { append?: string[]; allow?: string[] };
    partitions?: { name: string; size: string; filesystem?: 'ext4' | 'vfat' }[];
    'cloud-init'?: string;
    base?: string;
    'snap-name'?: string;
    'snap-id'?: string;
  };
  'validation-sets'?: { 'account-id'?: string; name: string; sequence?: number; mode: 'enforce' | 'prefer-enforce' }[];
  signing?: { key?: string; backend?: 'coreforge' | 'gpg' };
  output?: string;
  image?: { size?: string; compression?: 'xz' | 'none' };
  release?: {
    track?: string;
    plan?: { channel: 'edge' | 'beta' | 'candidate' | 'stable'; percent?: number; soak?: string }[];
    health?: { url?: string; command?: string[]; timeout?: number };
  };
}
