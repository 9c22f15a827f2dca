import { describe, expect, it } from 'vitest';
import { customiseGadget, EDGETPU_UDEV_RULES, gadgetSnapYaml, type GadgetCustomisation } from './customise.js';
import { GadgetError } from './errors.js';
import { parseSize } from './size.js';
import { validateGadget } from './validate.js';

const base = (extra: Partial<GadgetCustomisation> = {}): GadgetCustomisation => ({
  target: 'pc-amd64',
  inferenceSnap: { name: 'classifier' },
  service: { port: 8080, bind: '0.0.0.0', threads: 2 },
  kernelCmdline: { append: [], allow: [] },
  partitions: [],
  ...extra,
});
const ID = 'aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa';

describe('gadget customisation', () => {
  it('keeps the reference layout and adds service defaults keyed by the snap id', () => {
    const { yaml, warnings } = customiseGadget(base({ inferenceSnap: { name: 'classifier', id: ID } }));
    expect(warnings).toEqual([]);
    expect(yaml.defaults).toEqual({ [ID]: { port: '8080', bind: '0.0.0.0', threads: '2' } });
    expect(yaml.volumes.pc!.structure.map((s) => [s.name, s.role, s.size])).toEqual([
      ['mbr', 'mbr', 440],
      ['BIOS Boot', undefined, '1M'],
      ['ubuntu-seed', 'system-seed', '1200M'],
      ['ubuntu-boot', 'system-boot', '750M'],
      ['ubuntu-save', 'system-save', '32M'],
      ['ubuntu-data', 'system-data', '1G'],
    ]);
    expect(() => validateGadget(yaml)).not.toThrow();
  });

  it('connects the Coral plug: raw-usb to the system slot, custom-device to the gadget slot', () => {
    expect(
      customiseGadget(base({ coral: 'raw-usb', inferenceSnap: { name: 'classifier', id: ID } })).yaml.connections,
    ).toEqual([{ plug: `${ID}:raw-usb`, slot: 'system:raw-usb' }]);
    expect(
      customiseGadget(base({ coral: 'custom-device', inferenceSnap: { name: 'classifier', id: ID } })).yaml.connections,
    ).toEqual([{ plug: `${ID}:coral-tpu`, slot: 'UqFziVZDHLSyO3TqSWgNBoAdHbLI4dAH:coral-usb' }]);
  });

  it('warns that a local, id-less inference snap gets no gadget connections, and names the snap connect to run', () => {
    const { yaml, warnings } = customiseGadget(base({ coral: 'raw-usb' }));
    expect(yaml.connections).toBeUndefined();
    expect(warnings).toEqual([
      'gadget connections apply only to snaps with a store id: the local inference snap "classifier" will not be connected at first boot; run "snap connect classifier:raw-usb" on the device',
    ]);
  });

  it('declares one udev-tagging rule for both USB ids of the accelerator in the custom-device slot', () => {
    const slot = (
      gadgetSnapYaml(base({ coral: 'custom-device' }), '24') as { slots: Record<string, Record<string, unknown>> }
    ).slots['coral-usb']!;
    expect(slot).toMatchObject({ interface: 'custom-device', 'custom-device': 'coral-tpu' });
    expect(slot['udev-tagging']).toEqual([
      {
        kernel: '[0-9]*-[0-9]*',
        subsystem: 'usb',
        attributes: { idVendor: '1a6e|18d1', idProduct: '089a|9302' },
        'for-device': '/dev/bus/usb/[0-9][0-9][0-9]/[0-9][0-9][0-9]',
      },
    ]);
  });

  it("adds extra partitions on GPT and refuses them on the Pi's full MBR", () => {
    const { yaml } = customiseGadget(base({ partitions: [{ name: 'models', size: '2G', filesystem: 'ext4' }] }));
    expect(yaml.volumes.pc!.structure.at(-1)).toMatchObject({ name: 'models', filesystem: 'ext4', size: '2G' });
    expect(() =>
      customiseGadget(base({ target: 'pi-arm64', partitions: [{ name: 'models', size: '2G', filesystem: 'ext4' }] })),
    ).toThrow(
      new GadgetError(
        'CUSTOMISATION_INVALID',
        'cannot add partitions to volume "pi": an MBR disk has four primary partitions and the pi-arm64 layout uses all of them',
      ),
    );
  });

  it('passes the kernel command line on', () => {
    expect(
      customiseGadget(base({ kernelCmdline: { append: ['quiet'], allow: ['debug'] } })).yaml['kernel-cmdline'],
    ).toEqual({ append: ['quiet'], allow: ['debug'] });
  });
});

describe('udev rules and sizes', () => {
  it('writes exactly the two upstream rules', () => {
    expect(EDGETPU_UDEV_RULES).toBe(
      'SUBSYSTEM=="usb",ATTRS{idVendor}=="1a6e",ATTRS{idProduct}=="089a",GROUP="plugdev"\nSUBSYSTEM=="usb",ATTRS{idVendor}=="18d1",ATTRS{idProduct}=="9302",GROUP="plugdev"\n',
    );
  });
  it('parses bytes, M and G only', () => {
    expect(parseSize('750M', 'size')).toBe(750 * 2 ** 20);
    expect(parseSize('1G', 'size')).toBe(2 ** 30);
    expect(parseSize(440, 'size')).toBe(440);
    expect(() => parseSize('750X', 'size')).toThrow('cannot parse size "750X": invalid suffix "X"');
  });
});
