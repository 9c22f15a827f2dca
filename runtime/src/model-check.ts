// Structural checks of a .tflite flatbuffer before TFLite sees it. TFLite 2.9's C API verifies little on
// its own (mutated models can load and then run with out-of-range tensor or buffer indexes), so every
// offset read here is bounds-checked and the indexes and constant-buffer sizes are cross-checked.
// Field numbers follow tensorflow/lite/schema/schema.fbs.

export class ModelCheckError extends Error {}

const IDENTIFIER = 'TFL3';
const MAX_ELEMENTS = 2 ** 31;
/** Bytes per element by TensorType (schema.fbs); undefined = variable or not checked (string, resource, variant, int4). */
const ELEMENT_BYTES: readonly (number | undefined)[] = [
  4,
  2,
  4,
  1,
  8,
  undefined,
  1,
  2,
  8,
  1,
  8,
  16,
  8,
  undefined,
  undefined,
  4,
  2,
  undefined,
];

class Reader {
  constructor(private readonly b: Buffer) {}
  get size() {
    return this.b.length;
  }
  private need(pos: number, n: number, what: string) {
    if (!Number.isInteger(pos) || pos < 0 || pos + n > this.b.length)
      throw new ModelCheckError(`${what} points outside the file (offset ${pos}, file size ${this.b.length})`);
  }
  u8(pos: number, what: string) {
    this.need(pos, 1, what);
    return this.b.readUInt8(pos);
  }
  u16(pos: number, what: string) {
    this.need(pos, 2, what);
    return this.b.readUInt16LE(pos);
  }
  u32(pos: number, what: string) {
    this.need(pos, 4, what);
    return this.b.readUInt32LE(pos);
  }
  i32(pos: number, what: string) {
    this.need(pos, 4, what);
    return this.b.readInt32LE(pos);
  }
  u64(pos: number, what: string) {
    this.need(pos, 8, what);
    return Number(this.b.readBigUInt64LE(pos));
  }
  /** Position of field `index` of the table at `table`, or undefined when absent. */
  field(table: number, index: number, what: string): number | undefined {
    const vtable = table - this.i32(table, `${what} table`);
    const vsize = this.u16(vtable, `${what} vtable`);
    if (vsize < 4 || vsize % 2 !== 0) throw new ModelCheckError(`${what} has a malformed vtable`);
    this.need(vtable, vsize, `${what} vtable`);
    const slot = 4 + 2 * index;
    if (slot >= vsize) return undefined;
    const off = this.u16(vtable + slot, `${what} vtable`);
    if (off === 0) return undefined;
    const tableSize = this.u16(vtable + 2, `${what} vtable`);
    if (off >= tableSize) throw new ModelCheckError(`${what} field ${index} lies outside its table`);
    return table + off;
  }
  /** Follows an offset field to its target (table, vector or string). */
  target(pos: number, what: string): number {
    const t = pos + this.u32(pos, what);
    this.need(t, 4, what);
    return t;
  }
  /** A vector: [start of elements, length], the whole vector inside the file. */
  vector(pos: number, elementSize: number, what: string): [number, number] {
    const v = this.target(pos, what);
    const n = this.u32(v, `${what} length`);
    this.need(v + 4, n * elementSize, what);
    return [v + 4, n];
  }
  tables(table: number, index: number, what: string): number[] {
    const f = this.field(table, index, what);
    if (f === undefined) return [];
    const [start, n] = this.vector(f, 4, what);
    return Array.from({ length: n }, (_, i) => this.target(start + 4 * i, `${what}[${i}]`));
  }
  ints(table: number, index: number, what: string): number[] {
    const f = this.field(table, index, what);
    if (f === undefined) return [];
    const [start, n] = this.vector(f, 4, what);
    return Array.from({ length: n }, (_, i) => this.i32(start + 4 * i, what));
  }
}

export interface ModelSummary {
  readonly subgraphs: number;
  readonly tensors: number;
  readonly operators: number;
  /** Custom op names (e.g. "edgetpu-custom-op"). */
  readonly customOps: readonly string[];
  /** TensorType values of all tensors (9 = int8). */
  readonly tensorTypes: ReadonlySet<number>;
  /** Some FULLY_CONNECTED operator takes its weights from a computed tensor (no constant buffer). */
  readonly dynamicFullyConnected: boolean;
  /** Shape of the main subgraph's first output (a classifier's last dimension is its class count). */
  readonly outputShape: readonly number[];
}

/** BuiltinOperator.FULLY_CONNECTED (schema.fbs). */
const FULLY_CONNECTED = 9;

function readString(r: Reader, pos: number, what: string): string {
  const s = r.target(pos, what);
  const n = r.u32(s, what);
  if (s + 4 + n > r.size) throw new ModelCheckError(`${what} points outside the file`);
  let out = '';
  for (let i = 0; i < Math.min(n, 256); i++) out += String.fromCharCode(r.u8(s + 4 + i, what));
  return out;
}

/** Throws ModelCheckError naming the first structural problem; returns a summary of a sound model. */
export function checkModel(data: Buffer): ModelSummary {
  if (data.length < 8) throw new ModelCheckError(`the file has ${data.length} bytes, too short for a TFLite model`);
  if (data.toString('latin1', 4, 8) !== IDENTIFIER)
    throw new ModelCheckError(`no "${IDENTIFIER}" identifier at byte 4: not a TFLite flatbuffer`);
  const r = new Reader(data);
  const model = r.target(0, 'root table');
  const opcodes = r.tables(model, 1, 'operator_codes');
  const customOps: string[] = [];
  const builtinCodes: number[] = [];
  opcodes.forEach((oc, i) => {
    const custom = r.field(oc, 1, `operator_codes[${i}]`);
    if (custom !== undefined) customOps.push(readString(r, custom, `operator_codes[${i}].custom_code`));
    // builtin_code (field 3, int32) supersedes deprecated_builtin_code (field 0, int8) when present.
    const code = r.field(oc, 3, `operator_codes[${i}]`);
    const deprecated = r.field(oc, 0, `operator_codes[${i}]`);
    builtinCodes.push(
      code !== undefined
        ? r.i32(code, `operator_codes[${i}]`)
        : deprecated !== undefined
          ? r.u8(deprecated, `operator_codes[${i}]`)
          : 0,
    );
  });
  const subgraphs = r.tables(model, 2, 'subgraphs');
  if (subgraphs.length === 0) throw new ModelCheckError('the model has no subgraph');
  const buffers = r.tables(model, 4, 'buffers');
  const bufferBytes = buffers.map((b, i) => {
    const f = r.field(b, 0, `buffers[${i}]`);
    const offset = r.field(b, 1, `buffers[${i}].offset`);
    const size = r.field(b, 2, `buffers[${i}].size`);
    if (offset !== undefined && size !== undefined) {
      const o = r.u64(offset, 'buffer offset');
      const s = r.u64(size, 'buffer size');
      if (o > 1 && o + s > data.length) throw new ModelCheckError(`buffers[${i}] lies outside the file`);
      return o > 1 ? s : 0;
    }
    return f === undefined ? 0 : r.vector(f, 1, `buffers[${i}].data`)[1];
  });
  const tensorTypes = new Set<number>();
  let tensorCount = 0;
  let operatorCount = 0;
  let dynamicFullyConnected = false;
  let outputShape: readonly number[] = [];
  subgraphs.forEach((sg, g) => {
    const tensors = r.tables(sg, 0, `subgraphs[${g}].tensors`);
    const constant: boolean[] = [];
    tensorCount += tensors.length;
    const shapes: number[][] = [];
    tensors.forEach((t, i) => {
      const what = `subgraphs[${g}].tensors[${i}]`;
      const shape = r.ints(t, 0, `${what}.shape`);
      shapes.push(shape);
      const typeField = r.field(t, 1, what);
      const type = typeField === undefined ? 0 : r.u8(typeField, what);
      if (type >= ELEMENT_BYTES.length) throw new ModelCheckError(`${what} has unknown type ${type}`);
      tensorTypes.add(type);
      let elements = 1;
      for (const d of shape) {
        if (d < 0) throw new ModelCheckError(`${what} has a negative dimension ${d}`);
        elements *= d;
        if (elements > MAX_ELEMENTS) throw new ModelCheckError(`${what} has more than 2^31 elements`);
      }
      const bufferField = r.field(t, 2, what);
      const buffer = bufferField === undefined ? 0 : r.u32(bufferField, what);
      if (buffer >= Math.max(buffers.length, 1))
        throw new ModelCheckError(`${what} uses buffer ${buffer} of ${buffers.length}`);
      const sparse = r.field(t, 6, what) !== undefined;
      const bytes = bufferBytes[buffer] ?? 0;
      constant.push(bytes > 0);
      const size = ELEMENT_BYTES[type];
      if (!sparse && bytes > 0 && size !== undefined && bytes !== elements * size)
        throw new ModelCheckError(
          `${what} has shape [${shape.join(',')}] (${elements * size} bytes) but its buffer ${buffer} holds ${bytes} bytes`,
        );
    });
    const inRange = (list: number[], what: string, allowNone: boolean) => {
      for (const i of list)
        if (i >= tensors.length || i < (allowNone ? -1 : 0))
          throw new ModelCheckError(`${what} refers to tensor ${i} of ${tensors.length}`);
    };
    inRange(r.ints(sg, 1, `subgraphs[${g}].inputs`), `subgraphs[${g}].inputs`, false);
    const outputs = r.ints(sg, 2, `subgraphs[${g}].outputs`);
    inRange(outputs, `subgraphs[${g}].outputs`, false);
    if (g === 0 && outputs.length > 0) outputShape = shapes[outputs[0]!] ?? [];
    const operators = r.tables(sg, 3, `subgraphs[${g}].operators`);
    operatorCount += operators.length;
    operators.forEach((op, i) => {
      const what = `subgraphs[${g}].operators[${i}]`;
      const idxField = r.field(op, 0, what);
      const opcode = idxField === undefined ? 0 : r.u32(idxField, what);
      if (opcode >= opcodes.length) throw new ModelCheckError(`${what} uses opcode ${opcode} of ${opcodes.length}`);
      const inputs = r.ints(op, 1, `${what}.inputs`);
      inRange(inputs, `${what}.inputs`, true);
      inRange(r.ints(op, 2, `${what}.outputs`), `${what}.outputs`, true);
      const weights = inputs[1];
      if (builtinCodes[opcode] === FULLY_CONNECTED && weights !== undefined && weights >= 0 && !constant[weights])
        dynamicFullyConnected = true;
    });
  });
  return {
    subgraphs: subgraphs.length,
    tensors: tensorCount,
    operators: operatorCount,
    customOps,
    tensorTypes,
    dynamicFullyConnected,
    outputShape,
  };
}
