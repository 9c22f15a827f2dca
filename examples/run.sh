#!/usr/bin/env bash
# The main job on the bundled example, end to end, on a machine without the Snap Store:
# install what is missing, check the project file and the host, pack the inference snap offline and report
# its size, boot the snap in QEMU and classify a photo inside the VM, then (as root) install it under a real
# snapd in a VM.
set -euo pipefail
cd "$(dirname "$0")/.."
bash .ci/setup

project=examples/classifier/coreforge.yaml
# TFLite 2.19 (the library the snap ships by default): the prebuilt folder beside the checkout unless set
# (README "Which TFLite" says how to build it, or let snapcraft build it from source).
if [ -z "${COREFORGE_TFLITE_DIR:-}" ] && [ -d ../shared/tflite ]; then export COREFORGE_TFLITE_DIR=$PWD/../shared/tflite; fi
cf() { node builder/dist/cli/main.js "$@"; }

cf config validate "$project"
cf doctor -c "$project" || echo "doctor: some tools are missing (see above); continuing with what this host can do"
cf snap pack -c "$project" --arch amd64 -o out/example
snapfile=$(ls -t out/example/*_amd64.snap | head -1)
cf snap size "$snapfile"
cf test --snap "$snapfile" --arch amd64 --accel tcg --expect "military uniform" --report-dir out/example/boot-report
# The same snap under Debian's real snapd in a VM: install, services, snap set, plugs, AppArmor/seccomp.
# Its disk is built once from Debian's packages (mmdebstrap, root) and cached in test/.cache/snapd.
if [ "$(id -u)" -eq 0 ]; then
  cf test --snapd "$snapfile" --accel tcg --expect "military uniform" --cache-dir test/.cache/snapd --report-dir out/example/snapd-report
else
  echo "snapd VM skipped: building its disk (mmdebstrap, mkfs.ext4 -d) needs root"
fi
