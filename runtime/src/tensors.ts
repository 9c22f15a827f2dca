// Converting between image bytes and the model's tensors, from the tensors' types and quantization.
import { RuntimeError } from './errors.js';
import type { NativeTensor } from './native.js';
import type { TensorType } from './types.js';

/** TfLiteType enum (tensorflow/lite/c/c_api_types.h). */
const TYPE_NAMES: Record<number, TensorType> = {
  1: 'float32',
  2: 'int32',
  3: 'uint8',
  4: 'int64',
  6: 'bool',
  7: 'int16',
  9: 'int8',
  10: 'float16',
  11: 'float64',
};

export function tensorType(t: NativeTensor): TensorType {
  return TYPE_NAMES[t.type] ?? 'unknown';
}

/**
 * RGB bytes -> input tensor bytes. uint8 takes the bytes as they are (as label_image does); int8 shifts
 * them by the zero point difference; float32 maps them with the quantization (scale, zero point) when the
 * model declares one, else to [-1, 1] (mean 127.5, std 127.5, as MobileNet float models expect).
 */
export function encodeInput(rgb: Buffer, t: NativeTensor): Buffer {
  switch (tensorType(t)) {
    case 'uint8':
      return rgb;
    case 'int8': {
      const out = Buffer.allocUnsafe(rgb.length);
      for (let i = 0; i < rgb.length; i++) out.writeInt8(rgb[i]! - 128, i);
      return out;
    }
    case 'float32': {
      const out = new Float32Array(rgb.length);
      const scale = t.scale || 1 / 127.5;
      const zero = t.scale ? t.zeroPoint : 127.5;
      for (let i = 0; i < rgb.length; i++) out[i] = (rgb[i]! - zero) * scale;
      return Buffer.from(out.buffer);
    }
    default:
      throw new RuntimeError(
        'MODEL_INVALID',
        `cannot feed an image to input tensor "${t.name}" of type ${tensorType(t)} (uint8, int8 or float32 expected)`,
      );
  }
}

/**
 * Output tensor bytes -> scores. uint8 scores are raw/255, exactly as the seed's label_image prints them;
 * int8 scores are dequantized ((q - zero point) * scale); float32 are used as they are.
 */
export function decodeScores(output: Buffer, t: NativeTensor): Float32Array {
  switch (tensorType(t)) {
    case 'uint8':
      return Float32Array.from(output, (q) => q / 255);
    case 'int8': {
      const scores = new Float32Array(output.length);
      for (let i = 0; i < output.length; i++) scores[i] = (output.readInt8(i) - t.zeroPoint) * t.scale;
      return scores;
    }
    case 'float32':
      return new Float32Array(output.buffer.slice(output.byteOffset, output.byteOffset + output.byteLength));
    default:
      throw new RuntimeError(
        'MODEL_INVALID',
        `cannot read scores from output tensor "${t.name}" of type ${tensorType(t)}`,
      );
  }
}

export function topK(scores: Float32Array, k: number): number[] {
  const idx: number[] = [];
  for (let i = 0; i < scores.length; i++) {
    if (idx.length < k) {
      idx.push(i);
      idx.sort((a, b) => scores[b]! - scores[a]! || a - b);
    } else if (scores[i]! > scores[idx[k - 1]!]!) {
      idx[k - 1] = i;
      idx.sort((a, b) => scores[b]! - scores[a]! || a - b);
    }
  }
  return idx;
}
