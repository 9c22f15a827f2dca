// The GitHub Actions workflow `coreforge ci init` writes: on an Ubuntu runner (snapcraft, ubuntu-image, LXD,
// KVM), build the image and boot-test both the snap and the image.
import type { ProjectConfig } from '../config/types.js';

/** The snapd VM test (amd64): the snap under Debian's real snapd; root for the disk build (mmdebstrap), cached between runs. */
function snapdStep(config: ProjectConfig): string {
  const snap = `${config.output.replace(`${config.dir}/`, '')}/${config.inference.snapName}_*_amd64.snap`;
  return `      - uses: actions/cache@v4
        with:
          path: .coreforge/snapd-vm
          key: coreforge-snapd-vm-\${{ hashFiles('package-lock.json') }}
      - name: Test the inference snap under a real snapd (Debian VM)
        run: sudo env "PATH=$PATH" npx coreforge test --snapd ${snap} --accel kvm --cache-dir .coreforge/snapd-vm --junit out/junit-snapd.xml
`;
}

export function renderWorkflow(config: ProjectConfig, projectFile: string): string {
  const runner = config.arch === 'arm64' ? 'ubuntu-24.04-arm' : 'ubuntu-24.04';
  const img = `${config.output}/${config.model}.img`.replace(`${config.dir}/`, '');
  return `# Written by "coreforge ci init": builds ${config.model} and boots it in QEMU on every push.
# Needs the repository secret COREFORGE_SIGNING_KEY: the PKCS#8 PEM of the signing key "${config.signing.key}"
# (the file ~/.local/share/coreforge/keys/${config.signing.key}.key made by "coreforge keys create").
name: coreforge
on:
  push:
  pull_request:
jobs:
  image:
    runs-on: ${runner}
    timeout-minutes: 90
    steps:
      - uses: actions/checkout@v4
      - uses: actions/setup-node@v4
        with:
          node-version: 20
      - name: Enable KVM for the boot test
        run: |
          echo 'KERNEL=="kvm", GROUP="kvm", MODE="0666", OPTIONS+="static_node=kvm"' | sudo tee /etc/udev/rules.d/99-kvm.rules
          sudo udevadm control --reload-rules && sudo udevadm trigger --name-match=kvm
      - name: Install snapcraft, ubuntu-image, LXD and the boot-test tools
        run: |
          sudo snap install snapcraft --classic
          sudo snap install ubuntu-image --classic
          sudo snap install lxd && sudo lxd init --auto && sudo usermod -aG lxd "$USER"
          sudo apt-get update && sudo apt-get install -y squashfs-tools xdelta3 qemu-system-x86 qemu-system-arm qemu-utils ovmf qemu-efi-aarch64 mmdebstrap
      - run: npm ci
      - run: npx coreforge doctor -c ${projectFile}
      - name: Signing key
        env:
          COREFORGE_SIGNING_KEY: \${{ secrets.COREFORGE_SIGNING_KEY }}
        run: |
          install -d -m 700 ~/.local/share/coreforge/keys
          umask 077 && printf '%s\\n' "$COREFORGE_SIGNING_KEY" > ~/.local/share/coreforge/keys/${config.signing.key}.key
      - name: Build
        run: sg lxd -c "npx coreforge build -c ${projectFile} --snapcraft"
      - name: Boot-test the inference snap
        run: npx coreforge test --snap ${config.output.replace(`${config.dir}/`, '')}/${config.inference.snapName}_*_${config.arch}.snap --arch ${config.arch} --accel kvm --junit out/junit-snap.xml
${config.arch === 'amd64' ? snapdStep(config) : ''}      - name: Boot-test the image
        run: npx coreforge test --image ${img} --arch ${config.arch} --accel kvm --timeout 1200 --junit out/junit-image.xml
      - uses: actions/upload-artifact@v4
        if: always()
        with:
          name: coreforge-out
          path: |
            out/*.img.xz
            out/*.sha256
            out/manifest.json
            out/test-report/
            out/junit-*.xml
`;
}
