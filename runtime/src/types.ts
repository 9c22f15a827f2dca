// The runtime's public contract, shared by the classify CLI, the serve daemon and the snap's users.
// (Owned by the runtime core; serve codes against these types only.)

export const DELEGATES = ['cpu', 'edgetpu', 'auto'] as const;
export type DelegateChoice = (typeof DELEGATES)[number];

export const TENSOR_TYPES = [
  'float32',
  'int32',
  'uint8',
  'int64',
  'bool',
  'int16',
  'int8',
  'float16',
  'float64',
  'unknown',
] as const;
export type TensorType = (typeof TENSOR_TYPES)[number];

export interface TensorInfo {
  readonly name: string;
  readonly shape: readonly number[];
  readonly type: TensorType;
  readonly quantization: { readonly scale: number; readonly zeroPoint: number };
}

export interface ModelInfo {
  readonly inputs: readonly TensorInfo[];
  readonly outputs: readonly TensorInfo[];
  /** Which execution path was chosen, e.g. "xnnpack(qs8+qu8)", "xnnpack(qs8)", "xnnpack", "builtin", "edgetpu(usb:0)". */
  readonly path: string;
  readonly threads: number;
  /** The model file actually loaded (the Edge TPU or the CPU model under `auto`). */
  readonly modelFile?: string;
  /** The TFLite library loaded, and its version. */
  readonly library: { readonly path: string; readonly version: string };
}

export interface Classification {
  readonly index: number;
  readonly label: string;
  readonly score: number;
}

export interface ClassifyTimings {
  readonly decodeMs: number;
  readonly inferenceMs: number;
  readonly totalMs: number;
}

export interface ClassifyResult {
  readonly results: readonly Classification[];
  readonly timings: ClassifyTimings;
}

export interface ClassifyOptions {
  readonly topK?: number;
}

export interface ClassifierOptions {
  readonly model: string;
  readonly edgetpuModel?: string;
  readonly labels?: string;
  readonly threads?: number;
  readonly delegate?: DelegateChoice;
  /** Edge TPU device: "", "usb", "usb:N", "pci", "pci:N". */
  readonly device?: string;
  /** Explicit path of libtensorflowlite_c (first in the search order). */
  readonly tfliteLibrary?: string;
  /** Images whose decoded width*height exceeds this are refused (IMAGE_TOO_LARGE). */
  readonly maxPixels?: number;
  /** Shared cap on the memory of decodes in flight (serve passes one to all its classifiers); over it: IMAGE_BUSY. */
  readonly decodeBudget?: import('./decode-budget.js').DecodeBudget;
}

/** A loaded model + interpreter, reused across calls. Calls are serialised internally (one interpreter). */
export interface Classifier {
  readonly info: ModelInfo;
  readonly labels: readonly string[];
  /** Problems worth telling the user that did not stop loading (e.g. a label count mismatch). */
  readonly warnings: readonly string[];
  /** Decodes an encoded image (JPEG, PNG, BMP, WebP), resizes it to the model input, runs inference, returns top-k. */
  classify(image: Uint8Array, options?: ClassifyOptions): Promise<ClassifyResult>;
  close(): void;
}
