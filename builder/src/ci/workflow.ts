// The GitHub Actions workflow `coreforge ci init` writes, for GitHub's ubuntu-24.04 runner:
//   build      installs Coreforge from the repository's own package.json (npm ci, as the README tells users),
//              snapcraft, ubuntu-image and LXD, and runs `coreforge build` (offline packer, or snapcraft for a Coral);
//   test-snap  boots the inference snap in the snap smoke VM for the project's architecture (arm64 under TCG),
//              in a Debian 12 container because the smoke VM boots Debian's cloud kernel fetched with apt;
//   test-image boots the image under OVMF with KVM: pc-amd64 only (a pi-arm64 image boots with piboot from an
//              MBR disk, which no UEFI firmware in QEMU boots).
// Every job uploads its reports.
import path from 'node:path';
import type { ProjectConfig } from '../config/types.js';

export interface WorkflowOptions {
  /** The project file, relative to the repository root. */
  readonly projectFile: string;
  /** A photo in the repository to classify; default: grace_hopper.bmp from google-coral/test_data. */
  readonly photo?: string;
  /** The label the photo must get (an index or the label text). */
  readonly expect: string;
}

/** Where the default photo comes from (the public source of the fixtures' grace_hopper.bmp). */
export const DEFAULT_PHOTO_URL =
  'https://github.com/google-coral/test_data/raw/104342d2d3480b3e66203073dac24f4e2dbb4c41/grace_hopper.bmp';

const APT_BUILD = ['squashfs-tools', 'xdelta3', 'xz-utils', 'binutils'];
const APT_CROSS = ['g++-aarch64-linux-gnu', 'binutils-aarch64-linux-gnu'];
const APT_SMOKE: Record<'amd64' | 'arm64', string[]> = {
  amd64: ['qemu-system-x86', 'squashfs-tools', 'cpio', 'busybox-static', 'ca-certificates', 'curl'],
  arm64: ['qemu-system-arm', 'squashfs-tools', 'cpio', 'busybox-static', 'ca-certificates', 'curl'],
};

const coreforge = 'npx --no-install coreforge';

function rel(config: ProjectConfig, file: string): string {
  return path.relative(config.dir, file) || '.';
}

/** The first steps of every job that tests the build's artifacts: the repository, Coreforge, the artifacts. */
function testJobSetup(out: string): string {
  return `      - uses: actions/checkout@v4
      - uses: actions/setup-node@v4
        with:
          node-version: 20
      - run: npm ci
      - uses: actions/download-artifact@v4
        with:
          name: coreforge-build
          path: ${out}
`;
}

function photoStep(o: WorkflowOptions): string {
  if (o.photo) return '';
  return `      - name: Photo to classify
        run: curl -fsSL -o "$RUNNER_TEMP/photo.bmp" ${DEFAULT_PHOTO_URL}
`;
}

export function renderWorkflow(config: ProjectConfig, o: WorkflowOptions): string {
  const arch = config.arch;
  const coral = config.inference.accelerator !== 'none';
  const out = path.posix.join(path.dirname(o.projectFile), rel(config, config.output)).replace(/^\.\//, '');
  const snapGlob = `${out}/${config.inference.snapName}_*_${arch}.snap`;
  const image = `${out}/${config.model}.img`;
  const photo = o.photo ?? '$RUNNER_TEMP/photo.bmp';
  const expect = JSON.stringify(o.expect);
  const buildFlags = coral ? ' --snapcraft' : '';
  const apt = [...APT_BUILD, ...(arch === 'arm64' ? APT_CROSS : [])].join(' ');
  const imageJob =
    config.target === 'pc-amd64'
      ? `
  test-image:
    needs: build
    runs-on: ubuntu-24.04
    timeout-minutes: 60
    steps:
${testJobSetup(out)}      - name: Enable KVM
        run: |
          echo 'KERNEL=="kvm", GROUP="kvm", MODE="0666", OPTIONS+="static_node=kvm"' | sudo tee /etc/udev/rules.d/99-kvm.rules
          sudo udevadm control --reload-rules && sudo udevadm trigger --name-match=kvm
      - name: Install QEMU and OVMF
        run: sudo apt-get update && sudo apt-get install -y --no-install-recommends qemu-system-x86 qemu-utils ovmf xz-utils curl
${photoStep(o)}      - name: Boot-test the image
        run: |
          test -f ${image} || xz -dk ${image}.xz
          ${coreforge} test --image ${image} --arch amd64 --accel kvm --timeout 1200 --image-file "${photo}" --expect ${expect} --junit ${out}/junit-image.xml
      - uses: actions/upload-artifact@v4
        if: always()
        with:
          name: coreforge-image-report
          path: |
            ${out}/test-report/
            ${out}/junit-image.xml
`
      : `
  # No image boot for ${config.target}: its image boots with piboot from an MBR disk, which QEMU's UEFI
  # firmware cannot boot; the arm64 snap is boot-tested in the smoke VM above.
`;
  return `# Written by "coreforge ci init" for ${o.projectFile}: builds ${config.model} (${config.target}) and boots it in QEMU.
# Coreforge comes from this repository's package.json (a devDependency on @coreforge/builder, installed by npm ci).
# Needs the repository secret COREFORGE_SIGNING_KEY: the PKCS#8 PEM of the signing key "${config.signing.key}"
# (the file ${config.signing.key}.key in the key store "coreforge keys create ${config.signing.key}" wrote).
name: coreforge
on:
  push:
  pull_request:
permissions:
  contents: read
jobs:
  build:
    runs-on: ubuntu-24.04
    timeout-minutes: 90
    steps:
      - uses: actions/checkout@v4
      - uses: actions/setup-node@v4
        with:
          node-version: 20
          cache: npm
      - name: Install Coreforge (the repository's devDependency)
        run: npm ci
      - name: Install snapcraft, ubuntu-image, LXD and the packing tools
        run: |
          sudo snap install snapcraft --classic
          sudo snap install ubuntu-image --classic
          sudo snap install lxd || sudo snap refresh lxd
          sudo lxd init --auto
          sudo apt-get update && sudo apt-get install -y --no-install-recommends ${apt}
      - run: ${coreforge} doctor -c ${o.projectFile}
      - name: Signing key
        env:
          COREFORGE_SIGNING_KEY: \${{ secrets.COREFORGE_SIGNING_KEY }}
        run: |
          keys="$RUNNER_TEMP/coreforge-keys"
          install -d -m 700 "$keys"
          (umask 077 && printf '%s\\n' "$COREFORGE_SIGNING_KEY" > "$keys/${config.signing.key}.key")
          echo "COREFORGE_KEYS_DIR=$keys" >> "$GITHUB_ENV"
      - name: Build${coral ? ' (a Coral project is packed with snapcraft in LXD)' : ''}
        # ubuntu-image needs root; the key store and npm cache stay the runner user's.
        run: sudo --preserve-env=HOME,COREFORGE_KEYS_DIR env "PATH=$PATH" ${coreforge} build -c ${o.projectFile}${buildFlags}
      - uses: actions/upload-artifact@v4
        with:
          name: coreforge-build
          path: |
            ${snapGlob}
            ${out}/*.img.xz
            ${out}/*.sha256
            ${out}/*.model
            ${out}/manifest.json

  test-snap:
    needs: build
    runs-on: ubuntu-24.04
    timeout-minutes: 45
    # The smoke VM boots Debian's cloud kernel (apt-get download), so it runs in Debian 12; KVM is passed in
    # and used when the boot tests' probe boots that kernel under it (${arch === 'arm64' ? 'arm64 is emulated with TCG' : 'else TCG'}).
    container:
      image: debian:12
      options: --device /dev/kvm
    steps:
      - run: apt-get update && apt-get install -y --no-install-recommends ${APT_SMOKE[arch].join(' ')}
${testJobSetup(out)}${photoStep(o)}      - name: Boot-test the ${arch} snap in the smoke VM
        run: ${coreforge} test --snap ${snapGlob} --arch ${arch} --image-file "${photo}" --expect ${expect} --junit ${out}/junit-snap.xml
${arch === 'amd64' ? snapdStep(snapGlob, photo, expect, out, coreforge) : ''}      - uses: actions/upload-artifact@v4
        if: always()
        with:
          name: coreforge-snap-report
          path: |
            ${out}/test-report/
            ${out}/junit-snap.xml${
              arch === 'amd64'
                ? `
            ${out}/snapd-report/
            ${out}/junit-snapd.xml`
                : ''
            }
${imageJob}`;
}

/** coreforge test --snapd (amd64): the snap under Debian's real snapd in a VM. Its disk is built with mmdebstrap
 * (root; it mounts /proc and /sys in its chroot) and cached between runs. */
function snapdStep(snapGlob: string, photo: string, expect: string, out: string, coreforge: string): string {
  return `      - run: apt-get install -y --no-install-recommends mmdebstrap
      - uses: actions/cache@v4
        with:
          path: .coreforge/snapd-vm
          # The disk's folder is named by its recipe's hash; a new Coreforge may bring a new recipe.
          key: coreforge-snapd-vm-\${{ hashFiles('package-lock.json') }}
      - name: Test the amd64 snap under a real snapd (Debian VM)
        run: ${coreforge} test --snapd ${snapGlob} --image-file "${photo}" --expect ${expect} --cache-dir .coreforge/snapd-vm --report-dir ${out}/snapd-report --junit ${out}/junit-snapd.xml
`;
}
