// The POSIX sh files inside the snap: app wrappers and the configure hook. They run under snapd and under the
// smoke VM's busybox sh (which sets SNAP, SNAP_DATA, SNAP_COMMON, SNAP_NAME, SNAP_ARCH but has no snapctl).
import { ARCH_TRIPLET, type SnapSpec } from './spec.js';

/** Where things live inside the snap (relative to $SNAP). */
export const SNAP_LAYOUT = {
  node: 'bin/node',
  env: 'bin/coreforge-env',
  classify: 'bin/classify',
  serve: 'bin/serve',
  runtimeMain: 'runtime/bin/coreforge-runtime.js',
  tfliteLib: 'lib/libtensorflowlite_c.so',
  /** TFLite C headers the tflite part stages for the runtime part's addon build (never primed). */
  tfliteInclude: 'tflite/include',
  modelDir: 'model',
  configureHook: 'meta/hooks/configure',
  /** Written by the configure hook, read by the wrappers: `$SNAP_DATA/config.env`. */
  configFile: 'config.env',
  /** The serve daemon's bearer token (`snap set <snap> token=...`), mode 0600: `$SNAP_DATA/token`. */
  tokenFile: 'token',
} as const;

/** Sourced by both wrappers: library locations, defaults, then the values the configure hook saved. */
export function renderEnvScript(spec: SnapSpec): string {
  const { port, bind, threads, topK } = spec.service;
  // libedgetpu and libusb come from Debian packages (stage-packages), which install under usr/lib/<triplet>.
  const edgetpu = spec.coral
    ? `case "\${SNAP_ARCH:-}" in
${Object.entries(ARCH_TRIPLET)
  .map(([arch, triplet]) => `  ${arch}) CF_TRIPLET=${triplet} ;;\n`)
  .join('')}esac
export LD_LIBRARY_PATH="$SNAP/usr/lib/$CF_TRIPLET:$LD_LIBRARY_PATH"
export COREFORGE_EDGETPU_LIB="$SNAP/usr/lib/$CF_TRIPLET/libedgetpu.so.1"
`
    : '';
  return `# coreforge: sourced by the app wrappers; paths inside the snap and the service options
export LD_LIBRARY_PATH="$SNAP/lib\${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}"
${edgetpu}export COREFORGE_TFLITE_LIB="$SNAP/${SNAP_LAYOUT.tfliteLib}"
CF_MODEL="$SNAP/${SNAP_LAYOUT.modelDir}/${spec.model.name}"
CF_LABELS="$SNAP/${SNAP_LAYOUT.modelDir}/${spec.labels.name}"
CF_PORT=${port}
CF_BIND=${bind}
CF_THREADS=${threads}
CF_TOP_K=${topK}
if [ -n "\${SNAP_DATA:-}" ] && [ -r "$SNAP_DATA/${SNAP_LAYOUT.configFile}" ]; then
  . "$SNAP_DATA/${SNAP_LAYOUT.configFile}"
fi
`;
}

function delegateArgs(spec: SnapSpec): string {
  if (!spec.coral) return '';
  const edgetpu = spec.edgetpuModel ? ` --edgetpu-model "$SNAP/${SNAP_LAYOUT.modelDir}/${spec.edgetpuModel.name}"` : '';
  return ` --delegate auto${edgetpu}`;
}

export function renderClassifyScript(spec: SnapSpec): string {
  return `#!/bin/sh
# coreforge: classify one image with the snap's model (extra options are passed on)
set -e
. "$SNAP/${SNAP_LAYOUT.env}"
exec "$SNAP/${SNAP_LAYOUT.node}" "$SNAP/${SNAP_LAYOUT.runtimeMain}" classify -m "$CF_MODEL" -l "$CF_LABELS" -k "$CF_TOP_K" --threads "$CF_THREADS"${delegateArgs(spec)} "$@"
`;
}

export function renderServeScript(spec: SnapSpec): string {
  return `#!/bin/sh
# coreforge: the inference HTTP service (options from "snap set", see the configure hook)
set -e
. "$SNAP/${SNAP_LAYOUT.env}"
if [ -n "\${SNAP_DATA:-}" ] && [ -f "$SNAP_DATA/${SNAP_LAYOUT.tokenFile}" ]; then
  set -- --token-file "$SNAP_DATA/${SNAP_LAYOUT.tokenFile}" "$@"
fi
exec "$SNAP/${SNAP_LAYOUT.node}" "$SNAP/${SNAP_LAYOUT.runtimeMain}" serve -m "$CF_MODEL" -l "$CF_LABELS" -k "$CF_TOP_K" --threads "$CF_THREADS" --port "$CF_PORT" --bind "$CF_BIND"${delegateArgs(spec)} "$@"
`;
}

/**
 * The configure hook: reads port, bind, threads and model with `snapctl get`, checks them, saves them to
 * `$SNAP_DATA/config.env` (temp file + rename) and restarts the service when it is running and the saved
 * values changed (snapd runs the hook at install after starting the service: no restart then). `token` is checked
 * (16 to 256 RFC 6750 token characters; never echoed) and saved apart, in `$SNAP_DATA/token` with mode 0600;
 * unsetting it removes the file.
 */
export function renderConfigureHook(spec: SnapSpec): string {
  return `#!/bin/sh
# coreforge: "snap set ${spec.name} port=8080 bind=0.0.0.0 threads=4 model=NAME.tflite token=SECRET"
set -eu
fail() { echo "cannot configure ${spec.name}: $*" >&2; exit 1; }
token=$(snapctl get token)
if [ -n "$token" ]; then
  case "$token" in *[!A-Za-z0-9._~+/=-]*) fail "token must be 16 to 256 characters from A-Z a-z 0-9 . _ ~ + / = - (the value is not shown)";; esac
  [ \${#token} -ge 16 ] && [ \${#token} -le 256 ] || fail "token must be 16 to 256 characters long, not \${#token} (the value is not shown)"
fi
port=$(snapctl get port)
bind=$(snapctl get bind)
threads=$(snapctl get threads)
model=$(snapctl get model)
out="$SNAP_DATA/${SNAP_LAYOUT.configFile}"
tmp="$out.tmp"
: > "$tmp"
if [ -n "$port" ]; then
  case "$port" in *[!0-9]*) fail "port must be a number from 1 to 65535, not \\"$port\\"";; esac
  [ "$port" -ge 1 ] && [ "$port" -le 65535 ] || fail "port must be a number from 1 to 65535, not \\"$port\\""
  echo "CF_PORT=$port" >> "$tmp"
fi
if [ -n "$bind" ]; then
  case "$bind" in *[!0-9A-Fa-f.:]*) fail "bind must be an IPv4 or IPv6 address, not \\"$bind\\"";; esac
  echo "CF_BIND=$bind" >> "$tmp"
fi
if [ -n "$threads" ]; then
  case "$threads" in *[!0-9]*) fail "threads must be a number from 1 to 64, not \\"$threads\\"";; esac
  [ "$threads" -ge 1 ] && [ "$threads" -le 64 ] || fail "threads must be a number from 1 to 64, not \\"$threads\\""
  echo "CF_THREADS=$threads" >> "$tmp"
fi
if [ -n "$model" ]; then
  case "$model" in
    */*) path="$model" ;;
    *) path="$SNAP/${SNAP_LAYOUT.modelDir}/$model" ;;
  esac
  case "$path" in *[!A-Za-z0-9._/-]*) fail "model must be a file name or an absolute path, not \\"$model\\"";; esac
  [ -r "$path" ] || fail "model \\"$model\\" does not exist"
  echo "CF_MODEL=$path" >> "$tmp"
fi
old=""
[ -r "$out" ] && old=$(cat "$out")
new=$(cat "$tmp")
mv "$tmp" "$out"
tokenfile="$SNAP_DATA/${SNAP_LAYOUT.tokenFile}"
oldtoken=""
[ -r "$tokenfile" ] && oldtoken=$(cat "$tokenfile")
if [ -n "$token" ]; then
  (umask 077 && printf '%s\n' "$token" > "$tokenfile.tmp")
  mv "$tokenfile.tmp" "$tokenfile"
else
  rm -f "$tokenfile"
fi
# snapd runs this hook at install right after starting the service, which has just read these values:
# restart it only when the saved values changed (snap set, or gadget defaults at install).
[ "$new" = "$old" ] && [ "$token" = "$oldtoken" ] && exit 0
if snapctl services "$SNAP_INSTANCE_NAME.serve" | awk 'NR == 2 { exit ($3 == "active") ? 0 : 1 }'; then
  snapctl restart "$SNAP_INSTANCE_NAME.serve"
fi
`;
}
