// The snapd VM's pure parts: QEMU argv, the agent protocol, denial parsing and the allow-list, the report.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { snapdVmArgs } from './qemu-args.js';
import { junitXml, type BootReport } from './report.js';
import { agentRunLine, parseAgentLine } from './snapd-agent.js';
import { INFERENCE_SNAP_ALLOWED_DENIALS } from './snapd-allow-list.js';
import { allowedBy, loadAllowList, parseDenials } from './snapd-denials.js';
import { snapdDiskKey } from './snapd-disk.js';
import { AGENT_SCRIPT, rootfsMmdebstrapArgs, snapdKernelCmdline } from './snapd-guest.js';
import { hookOptions } from './snapd.js';

describe('snapd VM command line', () => {
  it('boots the root disk on an overlay, input/output disks by serial, the agent on ttyS1, restricted networking', () => {
    expect(
      snapdVmArgs({
        arch: 'amd64',
        kernel: '/k',
        initrd: '/i',
        cmdline: 'c',
        disk: '/d.raw',
        snapshot: true,
        agentSocket: '/s.sock',
        input: '/in.tar',
        output: '/out.tar',
        serialLog: '/l',
        forwards: [
          { hostPort: 4000, guestPort: 8080 },
          { hostPort: 4001, guestPort: 8081 },
        ],
      }),
    ).toEqual([
      '-accel',
      'tcg',
      '-machine',
      'q35',
      '-cpu',
      'max',
      '-m',
      '2048',
      '-smp',
      '2',
      '-nodefaults',
      '-no-user-config',
      '-display',
      'none',
      '-no-reboot',
      '-serial',
      'file:/l',
      '-serial',
      'unix:/s.sock,server=on,wait=off',
      '-kernel',
      '/k',
      '-initrd',
      '/i',
      '-append',
      'c',
      '-drive',
      'file=/d.raw,if=none,id=root,format=raw,snapshot=on',
      '-device',
      'virtio-blk-pci,drive=root',
      '-drive',
      'file=/in.tar,if=none,id=input,format=raw,readonly=on',
      '-device',
      'virtio-blk-pci,drive=input,serial=cf-input',
      '-drive',
      'file=/out.tar,if=none,id=output,format=raw',
      '-device',
      'virtio-blk-pci,drive=output,serial=cf-output',
      '-netdev',
      'user,id=net0,restrict=on,hostfwd=tcp:127.0.0.1:4000-:8080,hostfwd=tcp:127.0.0.1:4001-:8081',
      '-device',
      'virtio-net-pci,netdev=net0,romfile=',
      '-device',
      'virtio-rng-pci',
    ]);
  });

  it('writes the preparation boot to the disk itself (no overlay)', () => {
    const args = snapdVmArgs({
      arch: 'amd64',
      kernel: '/k',
      initrd: '/i',
      cmdline: 'c',
      disk: '/d.raw',
      snapshot: false,
      agentSocket: '/s',
      serialLog: '/l',
      forwards: [],
    });
    expect(args).toContain('file=/d.raw,if=none,id=root,format=raw,discard=unmap');
    expect(args).not.toContain('-snapshot');
    expect(args).toContain('user,id=net0,restrict=on');
  });

  it('mounts the root by label with AppArmor on', () => {
    expect(snapdKernelCmdline()).toMatch(/^root=LABEL=cfroot rw console=ttyS0 apparmor=1 security=apparmor /);
  });

  it('builds the root filesystem from Debian bookworm with snapd, AppArmor and the cloud kernel', () => {
    const args = rootfsMmdebstrapArgs('/t', '/o');
    expect(args[0]).toBe('--variant=minbase');
    expect(args[1]).toMatch(/^--include=.*\bsnapd\b.*\bapparmor\b.*\blinux-image-cloud-amd64\b/);
    expect(args.slice(-5)).toEqual([
      'bookworm',
      '/t',
      'deb http://deb.debian.org/debian bookworm main',
      'deb http://deb.debian.org/debian bookworm-updates main',
      'deb http://deb.debian.org/debian-security bookworm-security main',
    ]);
  });

  it('keys the cached disk by the recipe content (stable across calls)', () => {
    expect(snapdDiskKey()).toMatch(/^[0-9a-f]{16}$/);
    expect(snapdDiskKey()).toBe(snapdDiskKey());
  });
});

describe('agent protocol', () => {
  it('sends a script base64-encoded with its timeout and parses the answer', () => {
    expect(agentRunLine(7, 29.5, 'echo hi')).toBe(`CF-RUN 7 30 ${Buffer.from('echo hi').toString('base64')}\n`);
    expect(parseAgentLine(`CF-OUT 7 3 ${Buffer.from('out\nerr').toString('base64')}`)).toEqual({
      id: 7,
      exitCode: 3,
      output: 'out\nerr',
    });
    expect(parseAgentLine('CF-OUT 8 0 ')).toEqual({ id: 8, exitCode: 0, output: '' });
    expect(parseAgentLine('CF-PONG 12.34')).toEqual({ pong: 12.34 });
    expect(parseAgentLine('[   12.0] random kernel noise')).toBeUndefined();
  });

  it('the guest agent is valid bash', () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'cf-agent-'));
    try {
      writeFileSync(path.join(dir, 'a'), AGENT_SCRIPT);
      expect(() => execFileSync('bash', ['-n', path.join(dir, 'a')])).not.toThrow();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

const JOURNAL = `audit: type=1400 audit(1764620000.1:101): apparmor="DENIED" operation="open" class="file" profile="snap.classifier.serve" name="/sys/fs/cgroup/system.slice/snap.classifier.serve.service/memory.max" pid=812 comm="node" requested_mask="r" denied_mask="r" fsuid=0 ouid=0
audit: type=1400 audit(1764620000.2:102): apparmor="DENIED" operation="open" class="file" profile="snap.classifier.serve" name="/etc/shadow" pid=815 comm="head" requested_mask="r" denied_mask="r" fsuid=0 ouid=0
audit: type=1326 audit(1764620000.3:103): auid=4294967295 uid=0 gid=0 ses=4294967295 subj=snap.classifier.serve pid=812 comm="node" exe="/snap/classifier/x1/bin/node" sig=0 arch=c000003e syscall=425 compat=0 ip=0x7f code=0x50000
audit: type=1400 audit(1764620000.4:104): apparmor="DENIED" operation="open" class="file" profile="snap.classifier.serve" name="/etc/shadow" pid=816 comm="head" requested_mask="r" denied_mask="r" fsuid=0 ouid=0
audit: type=1400 audit(1764620000.5:105): apparmor="DENIED" operation="open" profile="snap.other.app" name="/x" pid=1 comm="x" requested_mask="r"
`;

describe('denials', () => {
  it('parses AppArmor and seccomp records of the snap once each', () => {
    const d = parseDenials(JOURNAL, 'snap.classifier.');
    expect(d.map((x) => [x.kind, x.profile, x.name ?? x.syscall])).toEqual([
      ['apparmor', 'snap.classifier.serve', '/sys/fs/cgroup/system.slice/snap.classifier.serve.service/memory.max'],
      ['apparmor', 'snap.classifier.serve', '/etc/shadow'],
      ['seccomp', 'snap.classifier.serve', 425],
    ]);
    expect(d[1]!.text).toMatch(/^audit: type=1400 .*name="\/etc\/shadow"/);
  });

  it('allows the reviewed cgroup reads and io_uring probe, and not a read of /etc/shadow', () => {
    const [cgroup, shadow, ioUring] = parseDenials(JOURNAL, 'snap.classifier.');
    expect(allowedBy(cgroup!, INFERENCE_SNAP_ALLOWED_DENIALS)?.reason).toMatch(/cgroup/);
    expect(allowedBy(shadow!, INFERENCE_SNAP_ALLOWED_DENIALS)).toBeUndefined();
    expect(allowedBy(ioUring!, INFERENCE_SNAP_ALLOWED_DENIALS)?.reason).toMatch(/^io_uring_setup: libuv/);
    expect(allowedBy({ ...ioUring!, syscall: 101 }, INFERENCE_SNAP_ALLOWED_DENIALS)).toBeUndefined();
    for (const e of INFERENCE_SNAP_ALLOWED_DENIALS) expect(e.reason.length).toBeGreaterThan(40);
  });

  it('refuses an allow-list entry without a reason', () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'cf-allow-'));
    try {
      const f = path.join(dir, 'a.json');
      writeFileSync(f, JSON.stringify({ denials: [{ kind: 'seccomp', profile: 'snap.x.*', syscall: 425 }] }));
      expect(() => loadAllowList(f)).toThrow(/denials\[0\] needs kind \(apparmor\|seccomp\), profile and a reason/);
      writeFileSync(
        f,
        JSON.stringify({
          denials: [
            {
              kind: 'seccomp',
              profile: 'snap.x.*',
              syscall: 425,
              reason: 'libuv probes io_uring and falls back to epoll',
            },
          ],
        }),
      );
      expect(loadAllowList(f)).toHaveLength(1);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('configure hook options and the step report', () => {
  it('finds every option the hook reads', () => {
    expect(
      hookOptions(
        'port=$(snapctl get port)\nbind=$(snapctl get bind)\nx=$(snapctl get port)\nthreads=$(snapctl get threads)',
      ),
    ).toEqual(['port', 'bind', 'threads']);
  });

  it('writes one JUnit testcase per step with its time and failure', () => {
    const r: BootReport = {
      kind: 'snapd',
      target: 'c.snap',
      arch: 'amd64',
      passed: false,
      expected: '653',
      accel: 'tcg',
      serialLog: '/l',
      steps: [
        { name: 'install', passed: true, ms: 25_000, detail: 'classifier 0.1.0 installed' },
        { name: 'services', passed: false, ms: 60_000, failure: 'the daemon did not answer\nmore' },
      ],
    };
    const xml = junitXml(r, 'serial');
    expect(xml).toContain('<testsuites tests="2" failures="1">');
    expect(xml).toContain('<testcase classname="coreforge.snapd" name="snapd amd64: install" time="25.000">');
    expect(xml).toContain(
      '<failure type="services" message="the daemon did not answer">the daemon did not answer\nmore</failure>',
    );
  });
});

describe('guest shell snippets', () => {
  it('the process-label listing is valid bash and finds processes by pattern and label prefix', async () => {
    const { LABELLED } = await import('./snapd.js');
    const script = LABELLED('snap.classifier.serve ', '-f /snap/classifier/');
    expect(() => execFileSync('bash', ['-n', '-c', script])).not.toThrow();
    // On the host nothing runs under the snap's label: the listing is empty and exits 0.
    expect(execFileSync('bash', ['-c', script]).toString()).toBe('');
  });
});
