// gadget.yaml as typed data (the subset of snapd's gadget format coreforge writes and checks).

/** Roles snapd 2.57 knows (system-seed-null came later, for classic models only). */
export const ROLES = ['mbr', 'system-seed', 'system-boot', 'system-save', 'system-data', 'system-boot-state'] as const;
export type Role = (typeof ROLES)[number];
export const BOOTLOADERS = ['grub', 'u-boot', 'android-boot', 'lk', 'piboot'] as const;
/** snapd 2.57 accepts these three (gadget.go); newer snapd adds vfat-16 and vfat-32. */
export const FILESYSTEMS = ['none', 'ext4', 'vfat'] as const;

export interface Content {
  readonly source?: string;
  readonly target?: string;
  readonly image?: string;
}

export interface Structure {
  readonly name?: string;
  readonly role?: Role;
  readonly type: string;
  readonly size: string | number;
  readonly offset?: string | number;
  readonly 'offset-write'?: string;
  readonly filesystem?: string;
  readonly 'filesystem-label'?: string;
  readonly content?: readonly Content[];
  readonly update?: { readonly edition: number };
}

export interface Volume {
  readonly schema?: 'gpt' | 'mbr';
  readonly bootloader?: string;
  readonly structure: readonly Structure[];
}

export interface GadgetYaml {
  readonly volumes: Readonly<Record<string, Volume>>;
  readonly defaults?: Readonly<Record<string, Readonly<Record<string, unknown>>>>;
  readonly connections?: readonly { readonly plug: string; readonly slot?: string }[];
  readonly slots?: Readonly<Record<string, Readonly<Record<string, unknown>>>>;
}
