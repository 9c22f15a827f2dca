// The project file's JSON Schema, as one typed definition: the schema ajv checks coreforge.yaml with, the type of
// what it admits (RawProject, raw.ts: derived by json-schema-to-ts, so the two cannot disagree), and the defaults
// normalize.ts applies (read from here). Enums, name rules and the defaults a leaf package owns are imported from
// it. builder/schemas/coreforge.schema.json is this object, written by `node builder/scripts/write-schema.mjs`
// (schema.test.ts fails when it is stale), and the README field table is rendered from that file.
import { PARTITION_FILESYSTEMS, TARGETS } from '@coreforge/gadget';
import {
  ACCOUNT_ID,
  DEFAULT_GRADE,
  GRADES,
  MODEL_NAME,
  MODES,
  PRESENCES,
  SNAP_ID,
  SNAP_NAME,
  SNAP_NAME_LENGTH,
  STORAGE_SAFETIES,
  VALIDATION_SET_MODES,
  VALIDATION_SET_NAME,
} from '@coreforge/model-assertions';
import { CORAL_ACCESSES, CORAL_RUNTIMES, SNAP_COMPRESSIONS, SNAP_VERSION } from '@coreforge/snaps';
import type { ExtendedJSONSchema } from 'json-schema-to-ts';
import {
  ACCELERATORS,
  BASES,
  EXTRA_SNAP_TYPES,
  IMAGE_COMPRESSIONS,
  MODEL_NAME_MAX_LENGTH,
  RISKS,
  SIGNING_BACKENDS,
} from './types.js';

/** Our one keyword beyond JSON Schema: what a value matching `pattern` is, for the error message. */
export type SchemaExtension = { readonly 'x-pattern-message': string };

/** The form of a soak time in the project file (`30m`, `24h`, `2d`). */
export const DURATION = /^[0-9]+[smhd]$/;

/** Grades and storage safeties are listed from the least strict (the order of messages and of the README). */
function byStrictness<T extends string>(values: readonly T[]): T[] {
  return [...values].reverse();
}

/** The fields that hold a snap name, a snap id or an account id: snapd's rules, and one message each. */
const SNAP_NAME_FIELD = {
  type: 'string',
  pattern: SNAP_NAME.source,
  minLength: SNAP_NAME_LENGTH.min,
  maxLength: SNAP_NAME_LENGTH.max,
  'x-pattern-message':
    'a snap name: lowercase letters, digits and single dashes, with at least one letter, not starting or ending with a dash',
} as const;
const SNAP_ID_FIELD = {
  type: 'string',
  pattern: SNAP_ID.source,
  'x-pattern-message': 'a snap id: exactly 32 letters and digits',
} as const;
const ACCOUNT_ID_FIELD = {
  type: 'string',
  pattern: ACCOUNT_ID.source,
  'x-pattern-message': 'an account id: 32 letters and digits, or 2-28 lowercase letters, digits and dashes',
} as const;
/** A size in bytes, or with an M or G suffix (partitions, the image). */
const SIZE = /^[1-9][0-9]*[MG]?$/;

export const PROJECT_SCHEMA = {
  $schema: 'http://json-schema.org/draft-07/schema#',
  $id: 'https://coreforge.dev/schemas/coreforge.schema.json',
  title: 'coreforge.yaml',
  description: 'A Coreforge project: one TensorFlow Lite model turned into a signed Ubuntu Core image.',
  type: 'object',
  additionalProperties: false,
  required: ['name', 'target', 'brand', 'model', 'inference'],
  properties: {
    name: {
      description:
        'Project name; also the default name of the inference snap. Snap-name rules: 2-40 characters, lowercase letters, digits and single dashes, at least one letter.',
      ...SNAP_NAME_FIELD,
    },
    target: {
      description: 'The device: pc-amd64 (UEFI PC, GPT, grub) or pi-arm64 (Raspberry Pi 4/5, MBR, piboot).',
      enum: TARGETS,
    },
    brand: {
      description: 'Brand account id (the brand-id and authority-id of the model assertion).',
      ...ACCOUNT_ID_FIELD,
    },
    model: {
      description: 'Model name in the model assertion. Lowercase letters, digits and single dashes.',
      type: 'string',
      pattern: MODEL_NAME.source,
      maxLength: MODEL_NAME_MAX_LENGTH,
      'x-pattern-message': 'a model name: lowercase letters, digits and single dashes (snapd refuses uppercase)',
    },
    'display-name': {
      description: 'Human-readable model name. Defaults to the model name.',
      type: 'string',
      minLength: 1,
      maxLength: 255,
    },
    grade: {
      description:
        'Model grade. dangerous allows unsigned local snaps (development); signed and secured need store snap ids; secured also requires encrypted storage.',
      enum: byStrictness(GRADES),
      default: DEFAULT_GRADE,
    },
    'storage-safety': {
      description: 'Full-disk encryption policy. Default: encrypted for secured, prefer-encrypted otherwise.',
      enum: byStrictness(STORAGE_SAFETIES),
    },
    base: {
      description: 'Ubuntu Core base snap.',
      enum: BASES,
      default: 'core24',
    },
    snaps: {
      description: 'Extra store snaps listed in the model assertion.',
      type: 'array',
      items: {
        type: 'object',
        additionalProperties: false,
        required: ['name'],
        properties: {
          name: {
            ...SNAP_NAME_FIELD,
          },
          id: {
            description: 'Store snap id (32 letters and digits). Required unless grade is dangerous.',
            ...SNAP_ID_FIELD,
          },
          type: {
            enum: EXTRA_SNAP_TYPES,
            default: 'app',
          },
          channel: {
            description: 'Default channel, with a track: latest/stable, 24/edge, 1.0/candidate/fix-1.',
            type: 'string',
            default: 'latest/stable',
          },
          presence: {
            enum: PRESENCES,
          },
          modes: {
            type: 'array',
            items: {
              enum: MODES,
            },
            minItems: 1,
            uniqueItems: true,
          },
        },
      },
    },
    inference: {
      description: 'The inference snap: model, labels, accelerator and service.',
      type: 'object',
      additionalProperties: false,
      required: ['model', 'labels'],
      properties: {
        'snap-name': {
          description: 'Name of the inference snap. Defaults to the project name.',
          ...SNAP_NAME_FIELD,
        },
        'snap-id': {
          description: 'Store snap id of the inference snap, once registered. Required unless grade is dangerous.',
          ...SNAP_ID_FIELD,
        },
        model: {
          description:
            'TFLite model for the CPU (.tflite). Relative to this file; ${VAR} and ${VAR:-default} are expanded.',
          type: 'string',
          minLength: 1,
        },
        'edgetpu-model': {
          description: 'The same model compiled for the Edge TPU (edgetpu_compiler output).',
          type: 'string',
          minLength: 1,
        },
        labels: {
          description: 'Labels file, one label per line (plain or N:label).',
          type: 'string',
          minLength: 1,
        },
        accelerator: {
          description: 'Coral Edge TPU, if any.',
          enum: ACCELERATORS,
          default: 'none',
        },
        'edgetpu-runtime': {
          description: 'libedgetpu build: std (throttled) or max (full clock, runs hot).',
          enum: CORAL_RUNTIMES,
          default: 'std',
        },
        'coral-access': {
          description:
            'How the snap reaches the Coral: raw-usb (works on every snapd, grants all USB devices) or custom-device (a gadget slot for the Edge TPU only; needs snapd 2.66+).',
          enum: CORAL_ACCESSES,
          default: 'raw-usb',
        },
        port: {
          description: 'TCP port of the serve daemon.',
          type: 'integer',
          minimum: 1,
          maximum: 65535,
          default: 8080,
        },
        bind: {
          description: 'Address the serve daemon listens on.',
          type: 'string',
          default: '0.0.0.0',
        },
        threads: {
          description: 'TFLite threads per interpreter.',
          type: 'integer',
          minimum: 1,
          maximum: 64,
          default: 1,
        },
        'top-k': {
          description: 'Results per classification.',
          type: 'integer',
          minimum: 1,
          maximum: 100,
          default: 5,
        },
        compression: {
          description: 'Snap compression: xz (smallest) or lzo (faster to mount, bigger).',
          enum: SNAP_COMPRESSIONS,
          default: 'xz',
        },
        tflite: {
          description:
            'The libtensorflowlite_c the snap ships: a version coreforge knows how to obtain (2.19: LiteRT v2.2.0 with XNNPACK for uint8 and int8; 2.9: tfjs-tflite-node, the one libedgetpu pairs with), or a path to a libtensorflowlite_c.so for the target. Default: 2.19, or 2.9 with a Coral. A string (an unquoted 2.19 is read as a number and accepted); checked when the file is normalized.',
        },
        version: {
          description:
            "Version of the inference snap (snap info, release tables). Default: git describe of the project folder, as snapcraft's version: git makes it.",
          type: 'string',
          pattern: SNAP_VERSION.source,
          'x-pattern-message':
            'a snap version: at most 32 letters, digits and . : + ~ -, starting with a letter or digit',
        },
        'coral-apt-key': {
          description:
            "ASCII-armoured public key of Coral's apt repository (its fingerprint must be the pinned key id); copied to snap/keys/ for snapcraft. Needed with a Coral accelerator.",
          type: 'string',
          minLength: 1,
        },
      },
    },
    release: {
      description: 'Shipping through the Snap Store (coreforge release): the rollout plan and its health gate.',
      type: 'object',
      additionalProperties: false,
      properties: {
        track: {
          description: 'Store track of every channel in the plan.',
          type: 'string',
          pattern: '^[a-zA-Z0-9](?:[_.-]?[a-zA-Z0-9])*$',
          default: 'latest',
          'x-pattern-message': 'a track name: letters, digits and single . _ -',
        },
        plan: {
          description: 'Ordered rollout steps; coreforge release next advances exactly one.',
          type: 'array',
          minItems: 1,
          items: {
            type: 'object',
            additionalProperties: false,
            required: ['channel'],
            properties: {
              channel: {
                description: 'Risk the step releases to.',
                enum: RISKS,
              },
              percent: {
                description: "Progressive release: share of the channel's devices (1-100).",
                type: 'integer',
                minimum: 1,
                maximum: 100,
                default: 100,
              },
              soak: {
                description: 'Minimum time this step must run before the next one (30m, 24h, 2d).',
                type: 'string',
                pattern: DURATION.source,
                default: '0s',
                'x-pattern-message': 'a duration: a number and s, m, h or d, like 24h',
              },
            },
          },
        },
        health: {
          description:
            'Gate checked before each step after the first: an HTTP URL that must answer 2xx, or a command (argv) that must exit 0.',
          type: 'object',
          additionalProperties: false,
          properties: {
            url: {
              type: 'string',
              pattern: '^https?://',
              'x-pattern-message': 'an http:// or https:// URL',
            },
            command: {
              type: 'array',
              minItems: 1,
              items: {
                type: 'string',
                minLength: 1,
              },
            },
            timeout: {
              description: 'Seconds the gate may take.',
              type: 'integer',
              minimum: 1,
              maximum: 3600,
              default: 60,
            },
          },
        },
      },
    },
    gadget: {
      description: "Customisation of the target's reference gadget.",
      type: 'object',
      additionalProperties: false,
      properties: {
        'kernel-cmdline': {
          type: 'object',
          additionalProperties: false,
          properties: {
            append: {
              type: 'array',
              items: {
                type: 'string',
                minLength: 1,
              },
            },
            allow: {
              type: 'array',
              items: {
                type: 'string',
                minLength: 1,
              },
            },
          },
        },
        partitions: {
          description: 'Extra partitions after ubuntu-data (GPT targets; MBR allows only four primary partitions).',
          type: 'array',
          items: {
            type: 'object',
            additionalProperties: false,
            required: ['name', 'size'],
            properties: {
              name: {
                type: 'string',
                pattern: '^[a-z][a-z0-9-]{0,35}$',
                'x-pattern-message': 'a partition name: lowercase letters, digits and dashes, starting with a letter',
              },
              size: {
                type: 'string',
                pattern: SIZE.source,
                'x-pattern-message': 'a size in bytes, or with an M or G suffix (256M, 2G)',
              },
              filesystem: {
                enum: PARTITION_FILESYSTEMS,
                default: 'ext4',
              },
            },
          },
        },
        'cloud-init': {
          description: 'cloud-init user data baked into the gadget as cloud.conf (dangerous grade only).',
          type: 'string',
          minLength: 1,
        },
        base: {
          description:
            "The gadget the brand gadget is derived from: a store reference NAME=TRACK/RISK (fetched with snap download) or a local .snap file. Default: the target's reference gadget, pc=24/stable or pi=24/stable. Setting it makes the build derive a brand gadget even without other changes.",
          type: 'string',
          pattern: '^(?:[a-z0-9-]+=[a-z0-9.-]+/(?:stable|candidate|beta|edge)|.+\\.snap)$',
          'x-pattern-message': 'a store reference such as pc=24/stable, or a path to a .snap file',
        },
        'snap-name': {
          description:
            'Name of the derived brand gadget snap named in the model. Default: BRAND-pc or BRAND-pi (PROJECT-pc when the brand is a 32-character id).',
          ...SNAP_NAME_FIELD,
        },
        'snap-id': {
          description:
            'Store snap id of the brand gadget, once registered. Required for a derived gadget unless grade is dangerous.',
          ...SNAP_ID_FIELD,
        },
      },
    },
    'validation-sets': {
      description: 'Validation sets the model enforces (model assertion validation-sets).',
      type: 'array',
      items: {
        type: 'object',
        additionalProperties: false,
        required: ['name', 'mode'],
        properties: {
          'account-id': {
            description: 'Account of the validation set. Default: the brand.',
            ...ACCOUNT_ID_FIELD,
          },
          name: {
            type: 'string',
            pattern: VALIDATION_SET_NAME.source,
            'x-pattern-message': 'a validation set name: lowercase letters, digits and single dashes',
          },
          sequence: {
            description: 'Pin this sequence number.',
            type: 'integer',
            minimum: 1,
          },
          mode: {
            enum: VALIDATION_SET_MODES,
          },
        },
      },
    },
    signing: {
      type: 'object',
      additionalProperties: false,
      properties: {
        key: {
          description: 'Signing key name (coreforge keys list, or a gpg key name with backend gpg).',
          type: 'string',
          pattern: SNAP_NAME.source,
          'x-pattern-message': 'a key name: lowercase letters, digits and single dashes, with at least one letter',
          default: 'default',
        },
        backend: {
          enum: SIGNING_BACKENDS,
          default: 'coreforge',
        },
      },
    },
    output: {
      description: 'Output folder for the image, snaps, model and manifest.',
      type: 'string',
      minLength: 1,
      default: 'out',
    },
    image: {
      type: 'object',
      additionalProperties: false,
      properties: {
        size: {
          description: 'Image size (8G, 3500M); default: what ubuntu-image computes.',
          type: 'string',
          pattern: SIZE.source,
          'x-pattern-message': 'a size in bytes, or with an M or G suffix (8G, 3500M)',
        },
        compression: {
          enum: IMAGE_COMPRESSIONS,
          default: 'xz',
        },
      },
    },
  },
} as const satisfies ExtendedJSONSchema<SchemaExtension>;
