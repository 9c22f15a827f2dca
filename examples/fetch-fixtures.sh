#!/usr/bin/env bash
# Downloads the example's model, labels and photos from their public source (google-coral/test_data,
# Apache-2.0 models; photos: see its COPYRIGHT) into a folder, checks their sha256, and prints the
# export line that points coreforge at them. Usage: bash examples/fetch-fixtures.sh [DIR]
set -euo pipefail
dir=${1:-${XDG_CACHE_HOME:-$HOME/.cache}/coreforge/fixtures}
base=https://github.com/google-coral/test_data/raw/104342d2d3480b3e66203073dac24f4e2dbb4c41
mkdir -p "$dir/models" "$dir/images"
while read -r sum file; do
  dest="$dir/$file"
  if [ ! -f "$dest" ] || ! echo "$sum  $dest" | sha256sum -c --quiet - 2>/dev/null; then
    curl -fsSL -o "$dest.part" "$base/$(basename "$file")"
    echo "$sum  $dest.part" | sha256sum -c --quiet -
    mv "$dest.part" "$dest"
  fi
done <<'SUMS'
b8aaeb5630c62626a7d124a05c0e14230a7ffdd2136a31d0190a4fb71c1d82f1 models/imagenet_labels.txt
7aad0c74c5e3c06e5eb3c827e13304fdd68a83da6087d92ee169c24ff9fd4776 models/mobilenet_v2_1.0_224_quant.tflite
c43444bf3b1b1e3080551ca194bd231da4b67f20fc91454502915a6b806b614f images/grace_hopper.bmp
SUMS
echo "export COREFORGE_FIXTURES=$dir"
