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
  /** every run known, in display order (a run's colour comes from its name: colors.ts) */
  runs: string[];
  scalars: ScalarDelta[];
  histograms: HistogramDelta[];
  images: ImageDelta[];
  texts: TextDelta[];
  graphs: GraphDelta[];
  hparams: HParamsDelta[];
  pr_curves: PRCurveDelta[];
  /** the Custom Scalars layout, merged over the runs (one series, run and tag "") */
  custom_scalars: CustomScalarsDelta[];
  /** encoded bytes the kernel pushes: the images at the newest step of every (run, tag) that changed */
  image_data: ImageData[];
  /** graphs the kernel pushes: those that changed and are small (others are asked for by a GraphRequest) */
  graph_data: GraphData[];
  /** the experiment configs and the logdir's hparams notes: one entry, sent when they change (and in every full update) */
  hparams_info: HParamsInfo[];
  audio: AudioDelta[];
  /** encoded clips the kernel pushes: those at the newest step of every (run, tag) that changed */
  audio_data: AudioData[];
  meshes: MeshDelta[];
  /** meshes the kernel pushes: the newest step of each (run, mesh) that changed, when small (others are asked for by a MeshRequest) */
  mesh_data: MeshData[];
}

/**
 * The histograms of one (run, tag), re-binned in the kernel onto one grid of `bins`
 * equal buckets spanning every histogram of the series (TensorBoard draws 30), plus
 * the distribution bands. At most 500 histograms of a series are held in the browser
 * (evenly spread over the run, the newest always included). Entries from `start` on
 * are replaced by these n (the series then holds start + n: a delta can shorten it);
 * when the grid changed, start is 0 and all are sent.
 */
export interface HistogramDelta {
  run: string;
  tag: string;
  start: number;
  total: number; // histograms the kernel holds for the series
  edges: ArrayRef; // float64[bins + 1], the shared grid
  step: ArrayRef; // float64[n]
  wall_time: ArrayRef; // float64[n]
  counts: ArrayRef; // float64[n, bins]: counts per grid bucket
  /**
   * float64[n, 9]: the values at basis points 0, 668, 1587, 3085, 5000, 6915, 8413,
   * 9332, 10000 of each histogram (min, -1.5 sigma, -1 sigma, -0.5 sigma, median, ...,
   * max), computed from the original buckets as TensorBoard's compressed histograms.
   */
  bands: ArrayRef;
}

/**
 * The index of the images of one (run, tag): one entry per image (a TF2 summary of
 * several images gives several entries at one step). Entries from `start` on are
 * replaced (and cached bytes for indexes >= start forgotten).
 */
export interface ImageDelta {
  run: string;
  tag: string;
  start: number;
  total: number;
  step: ArrayRef; // float64[n]
  wall_time: ArrayRef; // float64[n]
  width: ArrayRef; // int32[n]
  height: ArrayRef; // int32[n]
}

/** The encoded bytes of one image, as written (PNG, JPEG, GIF...). */
export interface ImageData {
  run: string;
  tag: string;
  index: number; // into the (run, tag) image index
  step: number; // -1 when the kernel holds no entry at index
  mime: string; // "image/png", "image/jpeg", "image/gif", "image/webp", "image/bmp"; "" if unknown
  data: ArrayRef | null; // uint8[bytes]; null when it could not be read (see error)
  error: string; // "" or why the bytes could not be read
}

/**
 * The index of the audio clips of one (run, tag): one entry per clip (TF2 writes
 * several clips at one step). `sample_rate` is as written (0: the writer says it only
 * in the clip's header, as TF2 does); labels are TF2's markdown labels ("" for none).
 * Entries from `start` on are replaced (and cached bytes for indexes >= start forgotten).
 */
export interface AudioDelta {
  run: string;
  tag: string;
  start: number;
  total: number;
  step: ArrayRef; // float64[n]
  wall_time: ArrayRef; // float64[n]
  sample_rate: ArrayRef; // float64[n]
  labels: string[]; // n entries
}

/** The encoded bytes of one clip, as written (WAV from every writer). */
export interface AudioData {
  run: string;
  tag: string;
  index: number; // into the (run, tag) clip index
  step: number; // -1 when the kernel holds no entry at index
  mime: string; // "audio/wav", "audio/ogg", "audio/flac", "audio/mpeg"; "" if unknown
  data: ArrayRef | null; // uint8[bytes]; null when it could not be read (see error)
  error: string; // "" or why the bytes could not be read
}

/** kernel -> browser, the answer to an AudioRequest (no seq: it changes no series). */
export interface AudioDataMessage {
  type: "audio_data";
  items: AudioData[];
}

/**
 * browser -> kernel: "send me these clips" (a step the slider moved to). The clips of
 * the newest step of every (run, tag) are pushed without asking.
 */
export interface AudioRequest {
  type: "audio";
  items: { run: string; tag: string; index: number }[];
}

/** One text summary: a string (markdown), or a 1-D / 2-D string tensor as a table. */
export interface TextEntry {
  text: string; // the strings joined by newlines
  shape: number[]; // [] for one string; [n] or [rows, cols] for a table
  cells: string[]; // row-major cells when shape has 1 or 2 dims, else []
}

/** The texts of one (run, tag), in step order; entries from `start` on are replaced. */
export interface TextDelta {
  run: string;
  tag: string;
  start: number;
  total: number;
  step: ArrayRef; // float64[n]
  wall_time: ArrayRef; // float64[n]
  texts: TextEntry[]; // n entries
}

/**
 * The PR curves of one (run, tag), in step order; entries from `start` on are replaced.
 * Point i has thresholds[i] thresholds (0: not a PR curve, errors[i] says why) and its
 * [6, k] tensor (TP, FP, TN, FN, precision, recall rows) next in `data`.
 */
export interface PRCurveDelta {
  run: string;
  tag: string;
  start: number;
  total: number;
  step: ArrayRef; // float64[n]
  wall_time: ArrayRef; // float64[n]
  thresholds: ArrayRef; // int32[n]
  data: ArrayRef; // float32[sum of 6 * thresholds]
  errors: string[]; // n entries
}

/** One graph as listed: what it is, without its nodes. */
export interface GraphEntry {
  kind: "op" | "keras"; // a GraphDef (add_graph, trace_export) or a Keras model's layers
  step: number;
  wall_time: number;
  nodes: number;
  edges: number;
  error: string; // "" or why it cannot be read (a malformed GraphDef...)
}

/**
 * The graph of one (run, tag): a series of at most one entry (the graph last written
 * under the tag; none once a restart purged it). start is 0, total its length.
 */
export interface GraphDelta {
  run: string;
  tag: string;
  start: number;
  total: number;
  graphs: GraphEntry[];
}

/**
 * The nodes and edges of one graph. Node i is names[i] (a scope path, "/" between
 * scopes), its op, device and output shapes as text ("2×3×32×32", several joined by
 * ", "; "" unknown), its attributes as [name, text] pairs. Edge j goes from node
 * edge_source[j] to edge_target[j], carrying a tensor of shape shape_table[edge_shape[j]]
 * (-1: unknown) of edge_size[j] elements (NaN: unknown); edge_control[j] = 1 for a
 * control dependency. `error` non-empty: the graph could not be read (nothing else is filled).
 */
export interface GraphData {
  run: string;
  tag: string;
  step: number;
  kind: "op" | "keras";
  error: string;
  names: string[];
  ops: string[];
  devices: string[];
  output_shapes: string[];
  attributes: [string, string][][];
  shape_table: string[];
  edge_source: ArrayRef; // int32[e]
  edge_target: ArrayRef; // int32[e]
  edge_shape: ArrayRef; // int32[e]
  edge_size: ArrayRef; // float64[e]
  edge_control: ArrayRef; // uint8[e]
  notes: string[]; // sentences: inputs that name nodes never written, graphs merged...
}

// ---- hparams (kernel side: tbnb/board/feeds/hparams.py) ---------------------------

/** An hparam value; null: a number that is NaN or infinite (the session's notes say so). */
export type HParamValue = boolean | number | string | null;

/** One hparam of an experiment config (or of the implied experiment, run ""). */
export interface HParamInfoEntry {
  name: string;
  display_name: string;
  description: string;
  type: "bool" | "number" | "string" | "";
  domain_kind: "discrete" | "interval" | "";
  values: (boolean | number | string)[]; // a discrete domain's values
  min: number | null; // an interval's bounds
  max: number | null;
}

/** One metric: scalar `tag` of the session's run, or of its sub-run `group`; `key` names it in a session. */
export interface MetricInfoEntry {
  key: string;
  tag: string;
  group: string;
  display_name: string;
  description: string;
  dataset_type: string; // "training", "validation" or ""
}

export interface ExperimentEntry {
  run: string; // where the config was written ("": the implied experiment of sessions with none)
  time_created: number;
  hparams: HParamInfoEntry[];
  metrics: MetricInfoEntry[];
  notes: string[];
}

export interface HParamsInfo {
  experiments: ExperimentEntry[];
  notes: string[]; // configs' notes, values that disagree with their domain
}

/**
 * One session (a row of the table): its own run is the delta's run. `parent` is the run
 * it belongs to (torch's add_hparams writes a timestamp sub-run under the training run:
 * the parent is that run), `name` how the row is named. Metric metric_keys[i] has the
 * last value metric_values[i] (float64; NaN kept).
 */
export interface SessionEntry {
  parent: string;
  name: string;
  group_name: string;
  status: "running" | "success" | "failure" | "unknown";
  start_time: number | null;
  end_time: number | null;
  experiment: string; // the run of the config that applies ("": the implied one)
  hparams: [string, HParamValue][];
  metric_keys: string[];
  metric_values: ArrayRef; // float64[metric_keys.length]
  notes: string[];
}

/** The session of one run (tag ""): a series of at most one entry (none: it is gone). */
export interface HParamsDelta {
  run: string;
  tag: string;
  start: number;
  total: number;
  sessions: SessionEntry[];
}

// ---- meshes (kernel side: tbnb/board/feeds/meshes.py) ------------------------------

/** One mesh (or point cloud) at one step as listed: counts, no tensors. */
export interface MeshEntry {
  step: number;
  wall_time: number;
  vertices: number; // per sample
  faces: number; // 0: a point cloud
  colors: boolean;
  samples: number; // meshes in the batch written (the view draws the first)
  config: string; // the json_config written with it (three.js names), "" or "null" when none
  error: string; // "" or why it cannot be drawn (no vertices, shapes that disagree, garbled metadata)
}

/** The steps of one (run, mesh name): entries from `start` on are replaced (and data held for them forgotten). */
export interface MeshDelta {
  run: string;
  tag: string; // the mesh's name (its tensors' tags are name_VERTEX, name_FACE, name_COLOR)
  start: number;
  total: number;
  meshes: MeshEntry[];
}

/** The tensors of entry `index` of a mesh series, first sample, checked in the kernel. */
export interface MeshData {
  run: string;
  tag: string;
  index: number;
  step: number; // -1 when the kernel holds no entry at index
  vertices: ArrayRef | null; // float32[n, 3]; null with an error
  faces: ArrayRef | null; // int32[m, 3] indices into the vertices; null: a point cloud
  colors: ArrayRef | null; // uint8[n, 3] RGB; null: none written
  error: string; // "" or why it cannot be drawn (faces past the vertices, a record unreadable...)
}

/** kernel -> browser, the answer to a MeshRequest. */
export interface MeshDataMessage {
  type: "mesh_data";
  items: MeshData[];
}

/**
 * browser -> kernel: "send me this mesh step" (one too large to be pushed, or a step
 * the slider moved to). While a training cell runs the kernel answers when it is done.
 */
export interface MeshRequest {
  type: "mesh";
  items: { run: string; tag: string; index: number }[];
}

/** The tags of a margin chart's line: its value and the band between lower and upper. */
export interface MarginEntry {
  value: string;
  lower: string;
  upper: string;
}

/** One chart of a Custom Scalars layout (tbnb/events/layouts.py). */
export interface LayoutChartEntry {
  title: string;
  kind: "multiline" | "margin";
  /** multiline: regexes over tags, matched from the tag's start */
  tags: string[];
  margins: MarginEntry[];
}

export interface LayoutCategoryEntry {
  title: string;
  closed: boolean;
  charts: LayoutChartEntry[];
}

/** The board's Custom Scalars layout, merged over its runs: one series (run and tag ""; total 0: none). */
export interface CustomScalarsDelta {
  run: string;
  tag: string;
  start: number;
  total: number;
  categories: LayoutCategoryEntry[];
  notes: string[];
}

/** kernel -> browser, the answer to a GraphRequest. */
export interface GraphDataMessage {
  type: "graph_data";
  items: GraphData[];
}

/**
 * browser -> kernel: "send me this graph" (one too large to be pushed). While a
 * training cell runs the kernel answers when the cell is done, and the tab says so.
 */
export interface GraphRequest {
  type: "graph";
  items: { run: string; tag: string }[];
}

/**
 * kernel -> browser, the answer to an ImageRequest (no seq: it changes no series).
 * The browser caches what it gets, so sliding back over seen steps needs no kernel.
 */
export interface ImageDataMessage {
  type: "image_data";
  items: ImageData[];
}

/** Every point of one (run, tag): the answer to a ScalarRequest. */
export interface ScalarData {
  run: string;
  tag: string;
  step: ArrayRef | null; // int32[n] (float64[n] past int32); null with an error
  wall_time: ArrayRef | null; // float64[n]
  value: ArrayRef | null; // float32[n] when written as float32 (no loss), else float64[n]
  error: string; // "" or why the series could not be sent
}

/** kernel -> browser, the answer to a ScalarRequest (no seq: it changes no series). */
export interface ScalarDataMessage {
  type: "scalar_data";
  items: ScalarData[];
}

/**
 * browser -> kernel: "send every point of these series" (a download of a card whose
 * series the browser holds downsampled). While a training cell runs the kernel
 * answers when it is done; the card says it waits.
 */
export interface ScalarRequest {
  type: "scalar_request";
  items: { run: string; tag: string }[];
}

/**
 * browser -> kernel: "send me these images" (a step the slider moved to). While a
 * training cell runs the kernel answers when the cell is done; the newest image of
 * every (run, tag) is pushed without asking, so following a live run needs no request.
 */
export interface ImageRequest {
  type: "image";
  items: { run: string; tag: string; index: number }[];
}

/**
 * The synced `data_snapshot` trait: the whole state as a full UpdateMessage with its
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

/**
 * browser -> kernel: a view of the board has drawn every card in view (its first paint;
 * sent once per model). A large logdir's first read stops at a budget; the kernel reads
 * the rest once the board's display message is sent, or once this comes (a board shown
 * inside another widget), or after FIRST_PAINT_GRACE.
 */
export interface PaintedMessage {
  type: "painted";
}

/** The synced `status` trait. */
export interface Status {
  state: "waiting" | "live" | "stopped" | "error";
  message: string; // e.g. "waiting for event files in runs/" or an error to show
  last_read: number | null; // wall time (s) of the last reload
  runs: number;
  unread_runs: number; // runs not read yet: a large logdir's first read comes in parts
  points: number; // scalar points held by the kernel
  histograms: number; // histograms held by the kernel (all steps)
  images: number; // images indexed
  texts: number; // text entries
  graphs: number; // graphs listed
  sessions: number; // hparams sessions
  problems: Problem[]; // the most recent ones, at most 100
  problem_count: number; // all problems seen
}

export interface Problem {
  path: string;
  offset: number | null;
  message: string;
}

// ---- embedding projector (kernel side: tbnb/board/projector.py) -------------------
//
// The Board's synced trait `embeddings` (and tbnb.Projector's, with one entry) lists
// what the Projector tab offers. tbnb.Projector's model has view = "projector" and
// shows the projector alone; a Board's has view = "board".

export interface EmbeddingEntry {
  id: string; // opaque, sent back in requests
  run: string;
  tag: string;
  step: number;
  shape: number[]; // [n, d] as the config says ([] if unknown)
}

/** browser -> kernel. `request` is a number the browser picks to match replies. */
export type ProjectorRequest =
  | { type: "embedding"; request: number; id: string }
  | {
      type: "project";
      request: number;
      id: string;
      method: "pca" | "tsne" | "umap";
      dims: 2 | 3;
      sphereize: boolean;
      perplexity?: number; // t-SNE, default 30
      learning_rate?: number | "auto"; // t-SNE
      n_iter?: number; // t-SNE iterations after 250 of early exaggeration, default 500
      n_neighbors?: number; // UMAP, default 15
      min_dist?: number; // UMAP, default 0.1
    }
  | { type: "project_control"; request: number; action: "pause" | "resume" | "stop" }
  | { type: "neighbors"; request: number; id: string; index: number; k: number; metric: "cosine" | "euclidean" };

/** kernel -> browser: the points' metadata and sprite (vectors stay in the kernel). */
export interface EmbeddingMessage {
  type: "embedding";
  request: number;
  id: string;
  n: number;
  dim: number;
  header: string[]; // metadata column names ([] without metadata)
  columns: string[][]; // columns[c][i]: column c of point i
  sprite: ArrayRef | null; // uint8: a PNG sprite sheet, point i in cell i of a square grid, row-major
  sprite_size: [number, number] | null; // [width, height] of one cell
  limits: { pca: number; tsne: number; umap: number }; // points each method runs on at most
  notes?: string[]; // what was left out or is wrong (metadata cut, sprite refused, NaN points), said on the tab
}

/**
 * kernel -> browser: positions of a projection. PCA sends one message (done) with the
 * top 10 components (positions [m, 10]; the browser picks which 2 or 3 to show) and
 * `variance` (fraction of variance per component). t-SNE streams frames (done=false,
 * iteration counts up) then a last one (done=true, iteration -1; stopped=true if
 * stopped). UMAP sends one. When a sample of the points was projected, `indices` says
 * which points the rows are and `note` says so for the screen. `error` non-empty:
 * nothing to draw, show it in the tab (with `missing` = the library, for a missing
 * optional extra: the error text names the pip command).
 */
export interface ProjectionMessage {
  type: "projection";
  request: number;
  id: string;
  method: "pca" | "tsne" | "umap";
  iteration?: number;
  done: boolean;
  error: string;
  missing?: string;
  positions?: ArrayRef; // float32[m, dims] (PCA: [m, 10] or fewer components)
  indices?: ArrayRef | null; // int32[m]
  note?: string;
  variance?: number[];
  stopped?: boolean;
}

export interface NeighborsMessage {
  type: "neighbors";
  request: number;
  id: string;
  index: number;
  metric: "cosine" | "euclidean";
  neighbors: ArrayRef; // int32[k], nearest first, in the original space
  distances: ArrayRef; // float64[k]
}

/** kernel -> browser: a request could not be served (bad id, unreadable files...). */
export interface ProjectorErrorMessage {
  type: "projector_error";
  request: number | null;
  error: string;
}
