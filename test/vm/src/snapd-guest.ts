// What goes into the snapd VM's disk, as pure data: the mmdebstrap command lines (Debian packages only), the
// files laid over the root filesystem, and the command agent that answers the host on the second serial port.
// See ../shared/REFERENCE.md "A real snapd in a VM" for why each piece is there.

export const DEBIAN_SUITE = 'bookworm';
export const DEBIAN_MIRROR = 'http://deb.debian.org/debian';
export const DEBIAN_SECURITY = 'http://deb.debian.org/debian-security';

/** The VM's own packages: systemd, Debian's snapd (2.57), AppArmor, the cloud kernel and its initramfs. */
export const ROOTFS_PACKAGES = [
  'systemd',
  'systemd-sysv',
  'udev',
  'dbus',
  'snapd',
  'squashfs-tools',
  'apparmor',
  'ca-certificates',
  'iproute2',
  'curl',
  'kmod',
  'linux-image-cloud-amd64',
  'initramfs-tools',
  'procps',
] as const;

/** The stand-in base snap: a minbase tree plus the C++ runtime the snap's programs link against. */
export const BASE_PACKAGES = ['libstdc++6'] as const;

/** The ext4 label the kernel command line mounts as root. */
export const ROOT_LABEL = 'cfroot';

export const GUEST_ADDRESS = '10.0.2.15';

function sources(): string[] {
  return [
    `deb ${DEBIAN_MIRROR} ${DEBIAN_SUITE} main`,
    `deb ${DEBIAN_MIRROR} ${DEBIAN_SUITE}-updates main`,
    `deb ${DEBIAN_SECURITY} ${DEBIAN_SUITE}-security main`,
  ];
}

/** mmdebstrap for the VM's root filesystem; `overlay` is laid over it and the units are enabled/masked in the chroot. */
export function rootfsMmdebstrapArgs(target: string, overlay: string): string[] {
  return [
    '--variant=minbase',
    `--include=${ROOTFS_PACKAGES.join(',')}`,
    '--aptopt=Acquire::Retries "3"',
    `--customize-hook=sync-in ${overlay} /`,
    `--customize-hook=chroot "$1" systemctl enable systemd-networkd.service coreforge-agent.service`,
    `--customize-hook=chroot "$1" systemctl mask ${MASKED_UNITS.join(' ')}`,
    '--customize-hook=rm -f "$1"/etc/resolv.conf && : > "$1"/etc/resolv.conf',
    '--customize-hook=echo snapd-vm > "$1"/etc/hostname',
    DEBIAN_SUITE,
    target,
    ...sources(),
  ];
}

/** The mount points snap-confine bind-mounts into a base (REFERENCE "A real snapd in a VM"). */
export const BASE_MOUNT_POINTS = [
  'snap',
  'var/snap',
  'var/lib/snapd',
  'usr/lib/snapd',
  'usr/src',
  'usr/lib/modules',
  'usr/lib/firmware',
  'var/lib/extrausers',
  'media',
  'mnt',
] as const;

/** mmdebstrap for the stand-in core24 base snap's tree. */
export function baseMmdebstrapArgs(target: string): string[] {
  return [
    '--variant=minbase',
    `--include=${BASE_PACKAGES.join(',')}`,
    '--aptopt=Acquire::Retries "3"',
    `--customize-hook=cd "$1" && mkdir -p ${BASE_MOUNT_POINTS.join(' ')} && ln -sf ../lib/snapd/snapctl usr/bin/snapctl`,
    '--customize-hook=rm -rf "$1"/usr/share/doc "$1"/usr/share/man "$1"/usr/share/locale "$1"/var/cache/apt "$1"/var/lib/apt/lists',
    DEBIAN_SUITE,
    target,
    ...sources(),
  ];
}

/** Timers and units that would wake up during a test (apt, fstrim) or wait for a network the VM does not have. */
export const MASKED_UNITS = [
  'apt-daily.timer',
  'apt-daily-upgrade.timer',
  'fstrim.timer',
  'e2scrub_all.timer',
  'systemd-networkd-wait-online.service',
] as const;

export const STANDIN_BASE_YAML = `name: core24
version: "24-coreforge-standin"
type: base
summary: Coreforge stand-in for the core24 base (a Debian minbase tree), for the offline snapd VM only
description: |
  Not Canonical's core24. Built by coreforge test --snapd from Debian packages so that Debian's snapd can
  install a snap whose base is core24 without the Snap Store.
architectures: [amd64]
confinement: strict
grade: devel
`;

export function standinSnapdYaml(version: string): string {
  return `name: snapd
version: "${version.slice(0, 24)}-standin"
type: snapd
summary: Coreforge stand-in for the snapd snap (Debian's snapd package without the daemon), offline VM only
description: |
  Debian's snapd package contents without /usr/lib/snapd/snapd and /usr/bin/snap, so snapd never re-executes
  into it and Debian's own snapd and snap-confine stay in charge.
architectures: [amd64]
confinement: strict
grade: devel
`;
}

/** Files of the snapd package that must not go into the stand-in snapd snap. */
export const SNAPD_SNAP_EXCLUDES = ['/usr/lib/snapd/snapd', '/usr/bin/snap'] as const;

/**
 * The command agent: reads `CF-RUN <id> <timeout> <base64 script>` lines from /dev/ttyS1, runs each script
 * with bash under `timeout`, and answers `CF-OUT <id> <exit code> <base64 output>`. `CF-PING` answers
 * `CF-PONG <uptime seconds>`.
 */
export const AGENT_SCRIPT = `#!/bin/bash
# coreforge-agent: runs the test host's commands from the second serial port and answers there.
set -u
tty=/dev/ttyS1
stty -F "$tty" raw -echo 115200
exec 3<>"$tty"
mkdir -p /run/coreforge
while IFS= read -r -u 3 line; do
  line=\${line%$'\\r'}
  case "$line" in
    CF-PING*) printf 'CF-PONG %s\\n' "$(cut -d' ' -f1 /proc/uptime)" >&3 ;;
    CF-RUN\\ *)
      read -r _ id limit b64 <<<"$line"
      printf '%s' "$b64" | base64 -d > /run/coreforge/cmd-"$id".sh
      out=$(timeout --kill-after=5 "$limit" bash /run/coreforge/cmd-"$id".sh 2>&1 </dev/null)
      rc=$?
      printf 'CF-OUT %s %s %s\\n' "$id" "$rc" "$(printf '%s' "$out" | base64 -w0)" >&3
      ;;
  esac
done
`;

export const AGENT_UNIT = `[Unit]
Description=Coreforge test agent (the host's commands on the second serial port)
After=local-fs.target
[Service]
ExecStart=/usr/local/sbin/coreforge-agent
Restart=always
RestartSec=1
[Install]
WantedBy=multi-user.target
`;

/** Files laid over the root filesystem (path -> [content, mode]). */
export function rootfsOverlay(): Record<string, readonly [string, number]> {
  return {
    'etc/systemd/network/10-coreforge.network': [
      `[Match]\nName=en* eth*\n[Network]\nAddress=${GUEST_ADDRESS}/24\nGateway=10.0.2.2\nLinkLocalAddressing=no\nIPv6AcceptRA=no\n`,
      0o644,
    ],
    // The catalog refresh retries for about 35 s on every snapd start unless this file exists first.
    'etc/systemd/system/snapd.service.d/coreforge-offline.conf': [
      '[Service]\nExecStartPre=/bin/sh -c "mkdir -p /var/cache/snapd && touch /var/cache/snapd/names"\n',
      0o644,
    ],
    'etc/systemd/system/coreforge-agent.service': [AGENT_UNIT, 0o644],
    'usr/local/sbin/coreforge-agent': [AGENT_SCRIPT, 0o755],
    'etc/fstab': [`LABEL=${ROOT_LABEL} / ext4 rw,errors=remount-ro 0 1\n`, 0o644],
    'etc/systemd/journald.conf.d/coreforge.conf': ['[Journal]\nStorage=volatile\nRateLimitBurst=0\n', 0o644],
  };
}

/** Not part of the disk's cache key: it is how the disk is booted, not what is on it. */
export function snapdKernelCmdline(): string {
  // no_timer_check: on a busy host the kernel's IO-APIC timer check under TCG can fail and panic at 0.07 s.
  return `root=LABEL=${ROOT_LABEL} rw console=ttyS0 apparmor=1 security=apparmor quiet systemd.show_status=0 panic=-1 no_timer_check`;
}
