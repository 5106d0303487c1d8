// Builds kernel messages for the tests: arrays as buffers named by ArrayRefs, as
// tbnb/board/protocol.py sends them.
import type { ArrayRef, DType } from "../src/protocol";

export class Buffers {
  readonly views: DataView[] = [];

  /** Adds `values` as a buffer of `dtype` (at an odd offset in a larger buffer, as comms may hand them). */
  add(values: ArrayLike<number | bigint>, dtype: DType = "float64", shape: number[] = [values.length]): ArrayRef {
    const make = {
      float64: (n: number) => new Float64Array(n),
      float32: (n: number) => new Float32Array(n),
      int32: (n: number) => new Int32Array(n),
      uint32: (n: number) => new Uint32Array(n),
      uint8: (n: number) => new Uint8Array(n),
      int64: (n: number) => new BigInt64Array(n),
    }[dtype];
    const typed = make(values.length) as unknown as { [i: number]: number | bigint; buffer: ArrayBuffer; byteLength: number };
    for (let i = 0; i < values.length; i++) typed[i] = dtype === "int64" ? BigInt(values[i]) : Number(values[i]);
    const host = new Uint8Array(typed.byteLength + 16);
    host.set(new Uint8Array(typed.buffer), 8);
    this.views.push(new DataView(host.buffer, 8, typed.byteLength));
    return { buffer: this.views.length - 1, dtype, shape };
  }
}
