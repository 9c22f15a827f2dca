// Our gadget.yaml judged by snapd itself (gadget.InfoFromGadgetYaml + gadget.Validate for a UC20+ model,
// from Debian's snapd 2.57 Go packages in test/oracles/gadget).
import { parse, stringify } from 'yaml';
import { describe, expect, it } from 'vitest';
import { buildGoOracle, runOracle } from '../../test/helpers/go-oracle.js';
import { customiseGadget, type GadgetCustomisation } from './customise.js';
import { renderGadgetYaml } from './render.js';
import type { GadgetYaml } from './types.js';
import { validateGadget } from './validate.js';

const oracle = buildGoOracle('gadget');
const judge = (texts: string[]) => runOracle<string[]>((oracle as { binary: string }).binary, texts);

function custom(target: GadgetCustomisation['target'], extra: Partial<GadgetCustomisation> = {}): GadgetCustomisation {
  return {
    target,
    inferenceSnap: { name: 'classifier' },
    service: { port: 8080, bind: '0.0.0.0', threads: 1 },
    kernelCmdline: { append: [], allow: [] },
    partitions: [],
    ...extra,
  };
}

function ours(text: string): string {
  try {
    validateGadget(parse(text) as GadgetYaml);
    return 'ok';
  } catch (e) {
    return (e as Error).message;
  }
}

describe.skipIf(!oracle.ok)(
  `snapd gadget oracle${oracle.ok ? '' : ` (skipped: ${(oracle as { reason: string }).reason})`}`,
  () => {
    const ID = 'aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa';
    const variants: [string, GadgetCustomisation][] = [
      ['pc', custom('pc-amd64')],
      ['pi', custom('pi-arm64')],
      ['pc + raw-usb Coral', custom('pc-amd64', { coral: 'raw-usb', inferenceSnap: { name: 'classifier', id: ID } })],
      [
        'pi + custom-device Coral',
        custom('pi-arm64', { coral: 'custom-device', inferenceSnap: { name: 'classifier', id: ID } }),
      ],
      [
        'pc customised',
        custom('pc-amd64', {
          inferenceSnap: { name: 'classifier', id: ID },
          partitions: [{ name: 'models', size: '2G', filesystem: 'ext4' }],
        }),
      ],
    ];

    it('accepts what we render for both targets, with and without Coral and customisation', () => {
      const texts = variants.map(([, c]) => renderGadgetYaml(customiseGadget(c).yaml));
      expect(judge(texts)).toEqual(variants.map(() => 'ok'));
      for (const t of texts) expect(ours(t)).toBe('ok');
    });

    // One change per row to a rendered gadget.yaml: our accept/reject must equal snapd's.
    const PC = renderGadgetYaml(
      customiseGadget(custom('pc-amd64', { inferenceSnap: { name: 'classifier', id: ID } })).yaml,
    );
    const PI = renderGadgetYaml(customiseGadget(custom('pi-arm64')).yaml);
    const ROWS: readonly (readonly [string, string, string, string])[] = [
      ['pc', 'size: 1200M', 'size: 1200X', 'cannot parse size "1200X": invalid suffix "X"'],
      ['pc', 'size: 750M', 'size: 750', 'ok'],
      [
        'pc',
        'size: 32M',
        'size: 0',
        'invalid volume "pc": invalid structure #4 ("ubuntu-save"): invalid size: must be greater than zero',
      ],
      [
        'pc',
        'size: 440',
        'size: 447',
        'invalid volume "pc": invalid structure #0 ("mbr"): invalid role "mbr": mbr structures cannot be larger than 446 bytes',
      ],
      ['pc', 'size: 440', 'size: 446', 'ok'],
      ['pc', 'role: system-seed', 'role: system-boot', 'cannot have more than one partition with system-boot role'],
      ['pc', 'role: system-save', 'role: system-data', 'cannot have more than one partition with system-data role'],
      ['pc', '        role: system-save\n', '', 'ok'],
      ['pc', '        role: system-boot\n', '', 'ok'],
      ['pc', '        role: system-data\n', '', 'the system-seed role requires system-data to be defined'],
      ['pc', '        role: system-seed\n', '', 'model requires system-seed structure, but none was found'],
      [
        'pc',
        'role: system-seed',
        'role: system-seeed',
        'invalid volume "pc": invalid structure #2 ("ubuntu-seed"): invalid role "system-seeed": unsupported role',
      ],
      [
        'pc',
        'bootloader: grub',
        'bootloader: grubby',
        'invalid volume "pc": bootloader must be one of grub, u-boot, android-boot, lk, piboot',
      ],
      ['pc', '    bootloader: grub\n', '', 'bootloader not declared in any volume'],
      ['pc', 'schema: gpt', 'schema: gpx', 'invalid volume "pc": invalid schema "gpx"'],
      ['pc', 'type: EF,C12A7328-F81F-11D2-BA4B-00A0C93EC93B', 'type: C12A7328-F81F-11D2-BA4B-00A0C93EC93B', 'ok'],
      [
        'pc',
        'type: EF,C12A7328-F81F-11D2-BA4B-00A0C93EC93B',
        'type: EF',
        'invalid volume "pc": invalid structure #2 ("ubuntu-seed"): invalid type "EF": MBR structure type "EF" is not valid with schema "gpt"',
      ],
      [
        'pc',
        'type: EF,C12A7328-F81F-11D2-BA4B-00A0C93EC93B',
        'type: XYZ',
        'invalid volume "pc": invalid structure #2 ("ubuntu-seed"): invalid type "XYZ": invalid format',
      ],
      [
        'pc',
        'type: EF,C12A7328-F81F-11D2-BA4B-00A0C93EC93B',
        'type: EF,C12A7328',
        'invalid volume "pc": invalid structure #2 ("ubuntu-seed"): invalid type "EF,C12A7328": invalid format of hybrid type',
      ],
      [
        'pc',
        'filesystem: vfat',
        'filesystem: ntfs',
        'invalid volume "pc": invalid structure #2 ("ubuntu-seed"): invalid filesystem "ntfs"',
      ],
      [
        'pc',
        'filesystem: vfat',
        'filesystem: vfat-32',
        'invalid volume "pc": invalid structure #2 ("ubuntu-seed"): invalid filesystem "vfat-32"',
      ],
      ['pc', 'offset: 1M', 'offset: 512', 'ok'],
      [
        'pc',
        'offset: 1M',
        'offset: 100',
        'invalid volume "pc": structure #1 ("BIOS Boot") overlaps with preceding structure #0 ("mbr")',
      ],
      ['pc', 'offset: 1M', 'offset: 2M', 'ok'],
      [
        'pc',
        '      - name: ubuntu-boot\n',
        '      - name: ubuntu-boot\n        offset: 2M\n',
        'invalid volume "pc": structure #3 ("ubuntu-boot") overlaps with preceding structure #2 ("ubuntu-seed")',
      ],
      [
        'pc',
        '      - name: ubuntu-seed\n',
        '      - name: ubuntu-seed\n        filesystem-label: ubuntu-data\n',
        'invalid volume "pc": invalid structure #2 ("ubuntu-seed"): label "ubuntu-data" is reserved',
      ],
      [
        'pc',
        'defaults:\n  aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa:',
        'defaults:\n  classifier:',
        'default stanza not keyed by "system" or snap-id: classifier',
      ],
      ['pc', 'defaults:\n  aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa:', 'defaults:\n  system:', 'ok'],
      ['pi', 'type: 0C', 'type: 0C,C12A7328-F81F-11D2-BA4B-00A0C93EC93B', 'ok'],
      [
        'pi',
        'schema: mbr',
        'schema: gpt',
        'invalid volume "pi": invalid structure #0 ("ubuntu-seed"): invalid type "0C": MBR structure type "0C" is not valid with schema "gpt"',
      ],
      ['pi', 'bootloader: piboot', 'bootloader: u-boot', 'ok'],
      ['pi', 'size: 1500M', 'size: 1.5G', 'cannot parse size "1.5G": expected bytes, or a number followed by M or G'],
    ];

    it(`agrees with snapd on ${ROWS.length} single changes`, () => {
      const texts = ROWS.map(([which, find, replace]) => {
        const base = which === 'pc' ? PC : PI;
        if (!base.includes(find)) throw new Error(`row ${JSON.stringify(find)} does not match the ${which} gadget`);
        return base.replace(find, replace);
      });
      const theirs = judge(texts);
      const mine = texts.map(ours);
      const disagreements = ROWS.map(([, , replace], i) => ({ replace, snapd: theirs[i], ours: mine[i] })).filter(
        (r) => (r.snapd === 'ok') !== (r.ours === 'ok'),
      );
      expect(disagreements).toEqual([]);
      expect(mine).toEqual(ROWS.map((r) => r[3]));
    });

    // Generated: every structure of both layouts with other sizes, offsets, types, filesystems and roles.
    // Agreement with snapd on accept/reject is asserted for every row, and our messages against a committed snapshot.
    it('agrees with snapd on 200+ generated structure mutations', () => {
      const fields: Record<string, readonly (string | number | null)[]> = {
        size: ['0', 1, 512, '1M', '10M', '3G', '3X', '1.5M', '100K', 440],
        offset: [0, 440, 512, '1M', '2M', '1200M', '5G'],
        type: [
          '83',
          'EF',
          '0C',
          'bare',
          'mbr',
          '0FC63DAF-8483-4772-8E79-3D69D8477DE4',
          'ZZ',
          'DA,21686148-6449-6E6F-744E-656564454649',
          'EF,C12A',
        ],
        filesystem: ['ext4', 'vfat', 'none', 'btrfs', null],
        role: ['system-seed', 'system-boot', 'system-save', 'system-data', 'mbr', 'system-seed-null', 'bogus', null],
      };
      const texts: string[] = [];
      const labels: string[] = [];
      for (const [which, text] of [
        ['pc', PC],
        ['pi', PI],
      ] as const) {
        const doc = parse(text) as { volumes: Record<string, { structure: Record<string, unknown>[] }> };
        const structures = Object.values(doc.volumes)[0]!.structure;
        structures.forEach((_, i) => {
          for (const [field, values] of Object.entries(fields))
            for (const value of values) {
              const copy = structuredClone(doc);
              const target = Object.values(copy.volumes)[0]!.structure[i]!;
              if (value === null) delete target[field];
              else target[field] = value;
              texts.push(stringify(copy));
              labels.push(`${which} #${i} ${field}=${String(value)}`);
            }
        });
      }
      expect(texts.length).toBeGreaterThanOrEqual(150);
      const theirs = judge(texts);
      const disagreements = texts
        .map((t, i) => ({ row: labels[i], snapd: theirs[i], ours: ours(t) }))
        .filter((r) => (r.snapd === 'ok') !== (r.ours === 'ok'));
      expect(disagreements).toEqual([]);
      // Our message for every generated row, reviewed and kept in __snapshots__: a changed message fails here.
      expect(Object.fromEntries(texts.map((t, i) => [labels[i], ours(t)]))).toMatchSnapshot();
    });
  },
);
