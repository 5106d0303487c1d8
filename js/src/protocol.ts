// What the kernel sends the browser, and back. The Python side is
// tbnb/board/protocol.py; the two must change together.
//
// Arrays travel as binary buffers, never JSON number lists: an array in a message
// is an ArrayRef {buffer, dtype, shape} naming one of the message's buffers.

export type DType = "float64" | "float32" | "int32" | "uint32" | "uint8" | "int64";

export interface ArrayRef {
  buffer: number; // index into the message's buffers
  dtype: DType;
  shape: number[];
}

export type TypedArray = Float64Array | Float32Array | Int32Array | Uint32Array | Uint8Array;

/** The one codec table of the browser side (Python: tbnb/board/protocol.py DTYPES). */
export function decodeArray(ref: ArrayRef, buffers: readonly DataView[]): TypedArray {
  const view = buffers[ref.buffer];
  const n = ref.shape.reduce((a, b) => a * b, 1);
  const src = view.buffer.slice(view.byteOffset, view.byteOffset + view.byteLength);
  switch (ref.dtype) {
    case "float64":
      return new Float64Array(src, 0, n);
    case "float32":
      return new Float32Array(src, 0, n);
    case "int32":
      return new Int32Array(src, 0, n);
    case "uint32":
      return new Uint32Array(src, 0, n);
    case "uint8":
      return new Uint8Array(src, 0, n);
    case "int64": {
      // steps beyond 2^53 lose precision, as they do in TensorBoard's browser
      const big = new BigInt64Array(src, 0, n);
      const out = new Float64Array(n);
      for (let i = 0; i < n; i++) out[i] = Number(big[i]);
      return out;
    }
  }
}

/**
 * The downsampled points of one scalar series (run, tag) that changed.
 * The browser replaces its points from index `start` on with these `n` points
 * (so applying the same delta twice is harmless). `total` is the number of raw
 * points the kernel holds for the series (for the status line and tooltips).
 */
export interface ScalarDelta {
  run: string;
  tag: string;
  start: number;
  total: number;
  step: ArrayRef; // float64[n]
  wall_time: ArrayRef; // float64[n], seconds since the epoch
  value: ArrayRef; // float64[n], NaN and +-Inf kept
}

/** kernel -> browser, as anywidget custom messages (model.on("msg:custom")). */
export interface UpdateMessage {
  type: "update";
  /**
   * Numbers the board's updates: each delta is seq = previous + 1; a full update
   * (and the snapshot) carries the seq of the last delta it includes. A browser
   * ignores deltas with seq <= the last it holds, and on a gap (a delta sent before
   * the model's code had loaded is lost) applies it and sends a ResyncMessage.
   */
  seq: number;
  /** true: forget every series held and take this message as the whole state */
  full: boolean;
  /** every run known, in display order (colours are assigned by this order) */
  runs: string[];
  scalars: ScalarDelta[];
}

/**
 * The synced `snapshot` trait: the whole state as a full UpdateMessage with its
 * buffers. The kernel computes it only when a browser asks for a model's state
 * (first display, re-opened notebook), never sends it as a change; after that,
 * the browser keeps the state current with the UpdateMessages it receives.
 * Every view of a model shares one store, so a second view starts complete.
 */
export interface Snapshot {
  message: UpdateMessage | null; // null: nothing read yet
  buffers: DataView[];
}

/** browser -> kernel: "send me a full update" (after a gap in seq). */
export interface ResyncMessage {
  type: "resync";
}

/** The synced `status` trait. */
export interface Status {
  state: "waiting" | "live" | "stopped" | "error";
  message: string; // e.g. "waiting for event files in runs/" or an error to show
  last_read: number | null; // wall time (s) of the last reload
  runs: number;
  points: number; // scalar points held by the kernel
  problems: Problem[]; // the most recent ones, at most 100
  problem_count: number; // all problems seen
}

export interface Problem {
  path: string;
  offset: number | null;
  message: string;
}
