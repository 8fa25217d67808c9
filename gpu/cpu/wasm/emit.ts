/**
 * A small typed emitter of WebAssembly modules: kernels are written as TypeScript calls that
 * read like the text format (`f.get(x).get(y).op('f32x4.add').set(z)`), and `encodeModule`
 * turns them into the binary format (WebAssembly Core Specification 2.0, chapter 5 "Binary
 * Format"; SIMD opcodes from the fixed-width SIMD proposal, merged in 2.0, §5.4.8).
 *
 * Why an emitter and not AssemblyScript: the kernels are a few hundred instructions of
 * straight-line arithmetic, which TypeScript writes directly, so a compiler adds a dependency
 * (and a build step at `npm install` or first use) for nothing the kernels need; no binary is
 * committed (the bytes are produced at first use, identically every time, and a test pins their
 * SHA-256); and every instruction a kernel executes is visible in the TypeScript, with register
 * blocking and loads spelled out rather than left to a compiler's auto-vectorizer.
 *
 * Use (runtime.ts imports the memory and compiles; a kernel module only adds functions):
 *   defineWasmModule('scale', (m) =>
 *     m.addFunction('scale4', ['i32', 'f32'], [], (f, [address, factor]) => {
 *       // memory[address … +16) = 4 floats · factor
 *       f.get(address).get(address).memory('v128.load').get(factor).op('f32x4.splat').op('f32x4.mul');
 *       f.memory('v128.store');
 *     }),
 *   );
 * Body methods return the body, so instructions chain in stack order. Control flow takes
 * callbacks (`f.block(exit => …)`, `f.loop(top => …)`, `f.ifElse(then, otherwise)`); a label
 * passed to `br`/`brIf` is converted to the relative depth the binary format wants.
 */

/** Value types (§5.3.1). */
export type ValueType = 'i32' | 'i64' | 'f32' | 'f64' | 'v128';
const VALUE_TYPE: Record<ValueType, number> = { i32: 0x7f, i64: 0x7e, f32: 0x7d, f64: 0x7c, v128: 0x7b };

/**
 * Unsigned LEB128 (§5.2.2) of a non-negative integer below 2³².
 * @example unsignedLeb128(624485); // [0xe5, 0x8e, 0x26]
 */
export function unsignedLeb128(value: number): number[] {
  if (!Number.isInteger(value) || value < 0 || value > 0xffffffff)
    throw new Error(`unsignedLeb128: value must be an integer in [0, 2^32), got ${value}`);
  const out: number[] = [];
  do {
    let byte = value & 0x7f;
    value = Math.floor(value / 128);
    if (value !== 0) byte |= 0x80;
    out.push(byte);
  } while (value !== 0);
  return out;
}

/**
 * Signed LEB128 (§5.2.2) of an integer (a bigint for i64 values beyond 2⁵³).
 * @example signedLeb128(-123456); // [0xc0, 0xbb, 0x78]
 */
export function signedLeb128(value: number | bigint): number[] {
  let v = BigInt(value);
  const out: number[] = [];
  for (;;) {
    const byte = Number(v & 0x7fn);
    v >>= 7n;
    const done = (v === 0n && (byte & 0x40) === 0) || (v === -1n && (byte & 0x40) !== 0);
    out.push(done ? byte : byte | 0x80);
    if (done) return out;
  }
}

/** Instructions without immediates, by their text-format name (§5.4), as their opcode bytes. */
const SCALAR = {
  unreachable: 0x00, nop: 0x01, return: 0x0f, drop: 0x1a, select: 0x1b,
  'i32.eqz': 0x45, 'i32.eq': 0x46, 'i32.ne': 0x47, 'i32.lt_s': 0x48, 'i32.lt_u': 0x49, 'i32.gt_s': 0x4a,
  'i32.gt_u': 0x4b, 'i32.le_s': 0x4c, 'i32.le_u': 0x4d, 'i32.ge_s': 0x4e, 'i32.ge_u': 0x4f,
  'i64.eqz': 0x50, 'i64.eq': 0x51, 'i64.ne': 0x52, 'i64.lt_s': 0x53, 'i64.lt_u': 0x54, 'i64.gt_s': 0x55,
  'i64.gt_u': 0x56, 'i64.le_s': 0x57, 'i64.le_u': 0x58, 'i64.ge_s': 0x59, 'i64.ge_u': 0x5a,
  'f32.eq': 0x5b, 'f32.ne': 0x5c, 'f32.lt': 0x5d, 'f32.gt': 0x5e, 'f32.le': 0x5f, 'f32.ge': 0x60,
  'f64.eq': 0x61, 'f64.ne': 0x62, 'f64.lt': 0x63, 'f64.gt': 0x64, 'f64.le': 0x65, 'f64.ge': 0x66,
  'i32.clz': 0x67, 'i32.ctz': 0x68, 'i32.popcnt': 0x69, 'i32.add': 0x6a, 'i32.sub': 0x6b, 'i32.mul': 0x6c,
  'i32.div_s': 0x6d, 'i32.div_u': 0x6e, 'i32.rem_s': 0x6f, 'i32.rem_u': 0x70, 'i32.and': 0x71, 'i32.or': 0x72,
  'i32.xor': 0x73, 'i32.shl': 0x74, 'i32.shr_s': 0x75, 'i32.shr_u': 0x76, 'i32.rotl': 0x77, 'i32.rotr': 0x78,
  'i64.add': 0x7c, 'i64.sub': 0x7d, 'i64.mul': 0x7e, 'i64.div_s': 0x7f, 'i64.div_u': 0x80, 'i64.and': 0x83,
  'i64.or': 0x84, 'i64.xor': 0x85, 'i64.shl': 0x86, 'i64.shr_s': 0x87, 'i64.shr_u': 0x88,
  'f32.abs': 0x8b, 'f32.neg': 0x8c, 'f32.ceil': 0x8d, 'f32.floor': 0x8e, 'f32.trunc': 0x8f, 'f32.nearest': 0x90,
  'f32.sqrt': 0x91, 'f32.add': 0x92, 'f32.sub': 0x93, 'f32.mul': 0x94, 'f32.div': 0x95, 'f32.min': 0x96,
  'f32.max': 0x97, 'f32.copysign': 0x98,
  'f64.abs': 0x99, 'f64.neg': 0x9a, 'f64.ceil': 0x9b, 'f64.floor': 0x9c, 'f64.trunc': 0x9d, 'f64.nearest': 0x9e,
  'f64.sqrt': 0x9f, 'f64.add': 0xa0, 'f64.sub': 0xa1, 'f64.mul': 0xa2, 'f64.div': 0xa3, 'f64.min': 0xa4,
  'f64.max': 0xa5, 'f64.copysign': 0xa6,
  'i32.wrap_i64': 0xa7, 'i32.trunc_f32_s': 0xa8, 'i32.trunc_f64_s': 0xaa, 'i64.extend_i32_s': 0xac,
  'i64.extend_i32_u': 0xad, 'f32.convert_i32_s': 0xb2, 'f32.demote_f64': 0xb6, 'f64.convert_i32_s': 0xb7,
  'f64.promote_f32': 0xbb, 'i32.reinterpret_f32': 0xbc, 'i64.reinterpret_f64': 0xbd, 'f32.reinterpret_i32': 0xbe,
  'f64.reinterpret_i64': 0xbf,
} as const; // prettier-ignore

/** SIMD instructions without immediates (prefix 0xfd, then the LEB128 opcode; §5.4.8). */
const SIMD = {
  'i8x16.splat': 0x0f, 'i16x8.splat': 0x10, 'i32x4.splat': 0x11, 'i64x2.splat': 0x12,
  'f32x4.splat': 0x13, 'f64x2.splat': 0x14,
  'i32x4.eq': 0x37, 'i32x4.ne': 0x38, 'i32x4.lt_s': 0x39, 'i32x4.lt_u': 0x3a, 'i32x4.gt_s': 0x3b,
  'i32x4.gt_u': 0x3c, 'i32x4.le_s': 0x3d, 'i32x4.le_u': 0x3e, 'i32x4.ge_s': 0x3f, 'i32x4.ge_u': 0x40,
  'f32x4.eq': 0x41, 'f32x4.ne': 0x42, 'f32x4.lt': 0x43, 'f32x4.gt': 0x44, 'f32x4.le': 0x45, 'f32x4.ge': 0x46,
  'f64x2.eq': 0x47, 'f64x2.ne': 0x48, 'f64x2.lt': 0x49, 'f64x2.gt': 0x4a, 'f64x2.le': 0x4b, 'f64x2.ge': 0x4c,
  'v128.not': 0x4d, 'v128.and': 0x4e, 'v128.andnot': 0x4f, 'v128.or': 0x50, 'v128.xor': 0x51,
  'v128.bitselect': 0x52, 'v128.any_true': 0x53,
  'f32x4.demote_f64x2_zero': 0x5e, 'f64x2.promote_low_f32x4': 0x5f,
  'f32x4.ceil': 0x67, 'f32x4.floor': 0x68, 'f32x4.trunc': 0x69, 'f32x4.nearest': 0x6a,
  'f64x2.ceil': 0x74, 'f64x2.floor': 0x75, 'f64x2.trunc': 0x7a, 'f64x2.nearest': 0x94,
  'i32x4.abs': 0xa0, 'i32x4.neg': 0xa1, 'i32x4.all_true': 0xa3, 'i32x4.bitmask': 0xa4, 'i32x4.shl': 0xab,
  'i32x4.shr_s': 0xac, 'i32x4.shr_u': 0xad, 'i32x4.add': 0xae, 'i32x4.sub': 0xb1, 'i32x4.mul': 0xb5,
  'i32x4.min_s': 0xb6, 'i32x4.min_u': 0xb7, 'i32x4.max_s': 0xb8, 'i32x4.max_u': 0xb9,
  'i64x2.add': 0xce, 'i64x2.sub': 0xd1, 'i64x2.mul': 0xd5,
  'f32x4.abs': 0xe0, 'f32x4.neg': 0xe1, 'f32x4.sqrt': 0xe3, 'f32x4.add': 0xe4, 'f32x4.sub': 0xe5,
  'f32x4.mul': 0xe6, 'f32x4.div': 0xe7, 'f32x4.min': 0xe8, 'f32x4.max': 0xe9, 'f32x4.pmin': 0xea,
  'f32x4.pmax': 0xeb,
  'f64x2.abs': 0xec, 'f64x2.neg': 0xed, 'f64x2.sqrt': 0xef, 'f64x2.add': 0xf0, 'f64x2.sub': 0xf1,
  'f64x2.mul': 0xf2, 'f64x2.div': 0xf3, 'f64x2.min': 0xf4, 'f64x2.max': 0xf5, 'f64x2.pmin': 0xf6,
  'f64x2.pmax': 0xf7,
  'i32x4.trunc_sat_f32x4_s': 0xf8, 'f32x4.convert_i32x4_s': 0xfa,
} as const; // prettier-ignore

/** Loads and stores with a memory argument (offset, alignment): scalar opcodes, or SIMD ones. */
const MEMORY = {
  'i32.load': 0x28, 'i64.load': 0x29, 'f32.load': 0x2a, 'f64.load': 0x2b,
  'i32.store': 0x36, 'i64.store': 0x37, 'f32.store': 0x38, 'f64.store': 0x39,
} as const; // prettier-ignore
const SIMD_MEMORY = {
  'v128.load': 0x00, 'v128.load32_splat': 0x09, 'v128.load64_splat': 0x0a, 'v128.store': 0x0b,
  'v128.load32_zero': 0x5c, 'v128.load64_zero': 0x5d,
} as const; // prettier-ignore
/** Natural alignment (log2 bytes), the default `align` of each memory instruction. */
const NATURAL_ALIGN: Record<MemoryInstruction, number> = {
  'i32.load': 2, 'i64.load': 3, 'f32.load': 2, 'f64.load': 3, 'i32.store': 2, 'i64.store': 3, 'f32.store': 2,
  'f64.store': 3, 'v128.load': 4, 'v128.load32_splat': 2, 'v128.load64_splat': 3, 'v128.store': 4,
  'v128.load32_zero': 2, 'v128.load64_zero': 3,
}; // prettier-ignore

/** Lane instructions (a lane index immediate). */
const LANE = {
  'i32x4.extract_lane': 0x1b, 'i32x4.replace_lane': 0x1c, 'i64x2.extract_lane': 0x1d, 'i64x2.replace_lane': 0x1e,
  'f32x4.extract_lane': 0x1f, 'f32x4.replace_lane': 0x20, 'f64x2.extract_lane': 0x21, 'f64x2.replace_lane': 0x22,
} as const; // prettier-ignore
const LANES: Record<LaneInstruction, number> = {
  'i32x4.extract_lane': 4, 'i32x4.replace_lane': 4, 'i64x2.extract_lane': 2, 'i64x2.replace_lane': 2,
  'f32x4.extract_lane': 4, 'f32x4.replace_lane': 4, 'f64x2.extract_lane': 2, 'f64x2.replace_lane': 2,
}; // prettier-ignore

export type Instruction = keyof typeof SCALAR | keyof typeof SIMD;
export type MemoryInstruction = keyof typeof MEMORY | keyof typeof SIMD_MEMORY;
export type LaneInstruction = keyof typeof LANE;

/** A local variable or parameter (its index in the function's locals). */
export interface Local {
  readonly index: number;
  readonly type: ValueType;
}
/** A branch target made by block/loop/ifElse; valid only inside its callback. */
export interface Label {
  readonly depth: number;
}

const SIMD_PREFIX = 0xfd;
const BLOCK_VOID = 0x40;

/** One function's body: its locals and instruction bytes, built by chained calls. */
export class Body {
  readonly bytes: number[] = [];
  /** Declared locals beyond the parameters, in order. */
  readonly localTypes: ValueType[] = [];
  private labels = 0;

  constructor(readonly params: readonly Local[]) {}

  /** A new local of `type` (zero-initialised, §4.4.8). */
  local(type: ValueType): Local {
    this.localTypes.push(type);
    return { index: this.params.length + this.localTypes.length - 1, type };
  }
  /** An instruction without immediates, by its text-format name ('f32x4.add', 'i32.mul', 'drop', …). */
  op(name: Instruction): this {
    if (name in SIMD) this.bytes.push(SIMD_PREFIX, ...unsignedLeb128(SIMD[name as keyof typeof SIMD]));
    else if (name in SCALAR) this.bytes.push(SCALAR[name as keyof typeof SCALAR]);
    else throw new Error(`Body.op: unknown instruction ${JSON.stringify(name)}`);
    return this;
  }
  get(local: Local): this {
    this.bytes.push(0x20, ...unsignedLeb128(local.index));
    return this;
  }
  set(local: Local): this {
    this.bytes.push(0x21, ...unsignedLeb128(local.index));
    return this;
  }
  tee(local: Local): this {
    this.bytes.push(0x22, ...unsignedLeb128(local.index));
    return this;
  }
  i32(value: number): this {
    if (!Number.isInteger(value) || value < -0x80000000 || value > 0xffffffff)
      throw new Error(`Body.i32: value must be a 32-bit integer, got ${value}`);
    this.bytes.push(0x41, ...signedLeb128(value | 0));
    return this;
  }
  i64(value: number | bigint): this {
    this.bytes.push(0x42, ...signedLeb128(value));
    return this;
  }
  f32(value: number): this {
    this.bytes.push(0x43, ...new Uint8Array(new Float32Array([value]).buffer));
    return this;
  }
  f64(value: number): this {
    this.bytes.push(0x44, ...new Uint8Array(new Float64Array([value]).buffer));
    return this;
  }
  /** A load or store; `offset` is a constant byte offset added to the address, `align` log2 bytes (a hint). */
  memory(name: MemoryInstruction, offset = 0, align = NATURAL_ALIGN[name]): this {
    if (name in SIMD_MEMORY)
      this.bytes.push(SIMD_PREFIX, ...unsignedLeb128(SIMD_MEMORY[name as keyof typeof SIMD_MEMORY]));
    else if (name in MEMORY) this.bytes.push(MEMORY[name as keyof typeof MEMORY]);
    else throw new Error(`Body.memory: unknown instruction ${JSON.stringify(name)}`);
    this.bytes.push(...unsignedLeb128(align), ...unsignedLeb128(offset));
    return this;
  }
  /** extract_lane / replace_lane with lane index `lane`. */
  lane(name: LaneInstruction, lane: number): this {
    if (!Number.isInteger(lane) || lane < 0 || lane >= LANES[name])
      throw new Error(`Body.lane: ${name} takes a lane in [0, ${LANES[name]}), got ${lane}`);
    this.bytes.push(SIMD_PREFIX, ...unsignedLeb128(LANE[name]), lane);
    return this;
  }
  /** v128.const from four float32 lanes. */
  f32x4(lanes: readonly [number, number, number, number]): this {
    this.bytes.push(SIMD_PREFIX, 0x0c, ...new Uint8Array(new Float32Array(lanes).buffer));
    return this;
  }
  /** v128.const from two float64 lanes. */
  f64x2(lanes: readonly [number, number]): this {
    this.bytes.push(SIMD_PREFIX, 0x0c, ...new Uint8Array(new Float64Array(lanes).buffer));
    return this;
  }
  /** i8x16.shuffle with 16 byte indices into the two operands (0–31). */
  shuffle(indices: readonly number[]): this {
    if (indices.length !== 16 || indices.some((i) => !Number.isInteger(i) || i < 0 || i > 31))
      throw new Error(`Body.shuffle: needs 16 byte indices in [0, 32), got [${indices}]`);
    this.bytes.push(SIMD_PREFIX, 0x0d, ...indices);
    return this;
  }
  call(functionIndex: number): this {
    this.bytes.push(0x10, ...unsignedLeb128(functionIndex));
    return this;
  }
  /** `block … end`: `br(exit)` inside jumps past the end. */
  block(body: (exit: Label) => void): this {
    return this.structured(0x02, body);
  }
  /** `loop … end`: `br(top)` inside jumps back to the start. */
  loop(body: (top: Label) => void): this {
    return this.structured(0x03, body);
  }
  /** `if … else … end` on the i32 on the stack (nonzero: `then`). */
  ifElse(then: (exit: Label) => void, otherwise?: (exit: Label) => void): this {
    const depth = this.labels++;
    this.bytes.push(0x04, BLOCK_VOID);
    then({ depth });
    if (otherwise) {
      this.bytes.push(0x05);
      otherwise({ depth });
    }
    this.bytes.push(0x0b);
    this.labels--;
    return this;
  }
  br(label: Label): this {
    this.bytes.push(0x0c, ...unsignedLeb128(this.relative(label)));
    return this;
  }
  brIf(label: Label): this {
    this.bytes.push(0x0d, ...unsignedLeb128(this.relative(label)));
    return this;
  }
  /**
   * `for (counter = start; counter < end; counter += step) body()` on i32 locals, as
   * block { loop { br_if exit (counter ≥ end); body; counter += step; br loop } }.
   * `start`/`end` are locals or constants; the comparison is signed.
   */
  forRange(counter: Local, start: Local | number, end: Local | number, step: number, body: () => void): this {
    const push = (x: Local | number) => (typeof x === 'number' ? this.i32(x) : this.get(x));
    push(start).set(counter);
    return this.block((exit) => {
      this.loop((top) => {
        this.get(counter);
        push(end).op('i32.ge_s').brIf(exit);
        body();
        this.get(counter).i32(step).op('i32.add').set(counter).br(top);
      });
    });
  }

  private structured(opcode: number, body: (label: Label) => void): this {
    const depth = this.labels++;
    this.bytes.push(opcode, BLOCK_VOID);
    body({ depth });
    this.bytes.push(0x0b);
    this.labels--;
    return this;
  }
  private relative(label: Label): number {
    if (label.depth >= this.labels) throw new Error('Body.br: the label is not in scope (used outside its callback)');
    return this.labels - 1 - label.depth;
  }
}

interface FunctionEntry {
  name: string;
  type: number;
  body: Body;
  exported: boolean;
}

/** Memory limits in 64 KiB pages (§5.3.4); `shared` needs `maximum` (the threads proposal). */
export interface MemoryLimits {
  initial: number;
  maximum: number;
  shared: boolean;
}

/** The default memory import: shared, 1 page initially, up to 2 GiB (see runtime.ts). */
export const DEFAULT_MEMORY: MemoryLimits = { initial: 1, maximum: 32768, shared: true };

/**
 * A module under construction: an imported memory `env.memory` and functions.
 * @example
 *   const m = new ModuleBuilder();
 *   m.importMemory();
 *   m.addFunction('twice', ['f64'], ['f64'], (f, [x]) => void f.get(x).get(x).op('f64.add'));
 *   new WebAssembly.Instance(new WebAssembly.Module(m.encode()), { env: { memory } }).exports.twice(2); // 4
 */
export class ModuleBuilder {
  private types: string[] = [];
  private functions: FunctionEntry[] = [];
  private memoryImport: MemoryLimits | null = null;

  /** Imports `env.memory` with the given limits. */
  importMemory(limits: MemoryLimits = DEFAULT_MEMORY): this {
    if (limits.shared && !(limits.maximum >= limits.initial))
      throw new Error(
        `ModuleBuilder.importMemory: a shared memory needs maximum ≥ initial, got ${JSON.stringify(limits)}`,
      );
    this.memoryImport = limits;
    return this;
  }

  /**
   * Adds a function (exported under `name` unless `exported` is false) and returns its index,
   * for `call`. `build` receives the body and the parameters as locals.
   */
  addFunction(
    name: string,
    params: readonly ValueType[],
    results: readonly ValueType[],
    build: (f: Body, params: Local[]) => void,
    exported = true,
  ): number {
    if (this.functions.some((f) => f.name === name)) throw new Error(`ModuleBuilder.addFunction: ${name} added twice`);
    const signature = JSON.stringify([params, results]);
    let type = this.types.indexOf(signature);
    if (type < 0) type = this.types.push(signature) - 1;
    const locals = params.map((t, index) => ({ index, type: t }));
    const body = new Body(locals);
    build(body, locals);
    this.functions.push({ name, type, body, exported });
    return this.functions.length - 1;
  }

  /** The module's binary (§5.5): magic, version, then sections in their required order. */
  encode(): Uint8Array {
    const out: number[] = [0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00];
    const section = (id: number, content: number[]) => out.push(id, ...unsignedLeb128(content.length), ...content);
    const vector = (items: number[][]) => [...unsignedLeb128(items.length), ...items.flat()];
    const name = (text: string) => {
      const utf8 = [...new TextEncoder().encode(text)];
      return [...unsignedLeb128(utf8.length), ...utf8];
    };
    section(
      1,
      vector(
        this.types.map((signature) => {
          const [params, results] = JSON.parse(signature) as [ValueType[], ValueType[]];
          const types = (list: ValueType[]) => vector(list.map((t) => [VALUE_TYPE[t]]));
          return [0x60, ...types(params), ...types(results)];
        }),
      ),
    );
    if (this.memoryImport) {
      const { initial, maximum, shared } = this.memoryImport;
      const limits = shared
        ? [0x03, ...unsignedLeb128(initial), ...unsignedLeb128(maximum)]
        : [0x01, ...unsignedLeb128(initial), ...unsignedLeb128(maximum)];
      section(2, vector([[...name('env'), ...name('memory'), 0x02, ...limits]]));
    }
    section(3, vector(this.functions.map((f) => unsignedLeb128(f.type))));
    const exports = this.functions.flatMap((f, index) =>
      f.exported ? [[...name(f.name), 0x00, ...unsignedLeb128(index)]] : [],
    );
    section(7, vector(exports));
    section(
      10,
      vector(
        this.functions.map(({ body }) => {
          // Locals are declared as runs of one type (§5.5.13).
          const runs: number[][] = [];
          for (let i = 0; i < body.localTypes.length;) {
            let j = i;
            while (j < body.localTypes.length && body.localTypes[j] === body.localTypes[i]) j++;
            runs.push([...unsignedLeb128(j - i), VALUE_TYPE[body.localTypes[i]]]);
            i = j;
          }
          const code = [...vector(runs), ...body.bytes, 0x0b];
          return [...unsignedLeb128(code.length), ...code];
        }),
      ),
    );
    return new Uint8Array(out);
  }
}
