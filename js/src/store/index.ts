// The data a board's browsers hold: one Store per widget model, shared by all of
// its views, kept current by the kernel's UpdateMessages (protocol.ts). Each kind
// of data is a holder of its own (./scalars, ./histograms, ./images, ./texts)
// registered in HOLDERS under the UpdateMessage field that carries its deltas;
// the store numbers the updates (seq), keeps the runs, and tells the views what
// changed. A new kind of data is one holder module and one line in HOLDERS.
import type { GraphData, GraphRequest, ImageData, ImageRequest, PaintedMessage, ScalarData, ScalarRequest, Snapshot, UpdateMessage } from "../protocol";
import type { AudioData, AudioRequest } from "../protocol";
import { AudioHolder } from "./audio";
import type { MeshData, MeshRequest } from "../protocol";
import { Change, seriesKey, type DeltaField, type DeltaOf, type SeriesHolder, type SeriesRef } from "./holder";
import { GraphHolder } from "./graphs";
import { HistogramHolder } from "./histograms";
import { HParamsHolder } from "./hparams";
import { CustomScalarsHolder } from "./custom-scalars";
import { ImageHolder } from "./images";
import { PRCurveHolder } from "./pr-curves";
import { MeshHolder } from "./meshes";
import { ScalarHolder } from "./scalars";
import { TextHolder } from "./texts";

export { Change, seriesKey, type ChangeName, type SeriesRef } from "./holder";
export { BAND_BASIS_POINTS, BAND_COLUMNS, type HistogramSeries } from "./histograms";
export { IMAGE_CACHE_BYTES, type CachedImage, type ImageSeries } from "./images";
export type { FullScalars, ScalarSeries } from "./scalars";
export type { TextSeries } from "./texts";
export type { PRCurveSeries } from "./pr-curves";
export type { GraphModel, GraphSeries, GraphState } from "./graphs";
export type { Session } from "./hparams";
export { AUDIO_CACHE_BYTES, WAVE_COLUMNS, type AudioSeries, type CachedClip } from "./audio";
export type { MeshModel, MeshSeries, MeshState } from "./meshes";
export type { LayoutSeries } from "./custom-scalars";

/** One holder per UpdateMessage delta field (a field added to protocol.ts without one does not compile). */
function makeHolders() {
  return {
    scalars: new ScalarHolder(),
    histograms: new HistogramHolder(),
    images: new ImageHolder(),
    texts: new TextHolder(),
    graphs: new GraphHolder(),
    hparams: new HParamsHolder(),
    pr_curves: new PRCurveHolder(),
    audio: new AudioHolder(),
    meshes: new MeshHolder(),
    custom_scalars: new CustomScalarsHolder(),
  } satisfies { [F in DeltaField]: SeriesHolder<SeriesRef, DeltaOf<F>> };
}

export type Holders = ReturnType<typeof makeHolders>;

export type Listener = (change: Change) => void;

/**
 * What a delta's seq says, given the last seq held (-1: none): "stale" (held
 * already: a snapshot made after it), "next", or "gap" (a delta was missed).
 */
export function seqStatus(held: number, seq: number): "stale" | "next" | "gap" {
  if (seq <= held) return "stale";
  if (held >= 0) return seq === held + 1 ? "next" : "gap";
  return seq === 1 ? "next" : "gap";
}

export class Store {
  runs: string[] = [];
  /** the series of every kind, by kind */
  readonly kinds: Holders = makeHolders();
  seq = -1;
  private listeners = new Set<Listener>();

  static key(run: string, tag: string): string {
    return seriesKey(run, tag);
  }

  private send?: (msg: PaintedMessage) => void;
  private paintedSent = false;

  /** sends a message to the kernel (set by index.ts) */
  set sender(fn: ((msg: ImageRequest | GraphRequest | ScalarRequest | AudioRequest | MeshRequest | PaintedMessage) => void) | undefined) {
    this.send = fn;
    this.kinds.audio.sender = fn;
    this.kinds.images.sender = fn;
    this.kinds.graphs.sender = fn;
    this.kinds.scalars.sender = fn;
    this.kinds.meshes.sender = fn;
  }

  /**
   * A view has drawn every card in view: tells the kernel once (PaintedMessage), which
   * then reads the rest of a large logdir (if the board's display did not let it
   * already) instead of waiting out FIRST_PAINT_GRACE.
   */
  painted(): void {
    if (this.paintedSent || !this.send) return;
    this.paintedSent = true;
    this.send({ type: "painted" });
  }

  /** Applies a ScalarDataMessage (the kernel's answer to a ScalarRequest: a download's points). */
  applyScalarData(items: readonly ScalarData[], buffers: readonly DataView[]): void {
    this.kinds.scalars.receiveFull(items ?? [], buffers);
  }

  subscribe(fn: Listener): () => void {
    this.listeners.add(fn);
    return () => this.listeners.delete(fn);
  }

  private notify(change: Change): void {
    for (const fn of this.listeners) fn(change);
  }

  applySnapshot(snapshot: Snapshot | null | undefined): void {
    if (snapshot && snapshot.message) this.apply(snapshot.message, snapshot.buffers ?? []);
  }

  /** Applies an update; returns true when a delta was missed (ask for a resync). */
  apply(msg: UpdateMessage, buffers: readonly DataView[]): boolean {
    if (msg.type !== "update") return false;
    let gap = false;
    const change = new Change();
    const fields = Object.keys(this.kinds) as DeltaField[];
    if (msg.full) {
      change.full = true;
      for (const f of fields) this.holder(f).reset(msg[f] ?? [], change);
    } else {
      const status = seqStatus(this.seq, msg.seq);
      if (status === "stale") return false;
      gap = status === "gap";
    }
    this.seq = msg.seq;
    change.runs = msg.full || msg.runs.length !== this.runs.length || msg.runs.some((r, i) => r !== this.runs[i]);
    this.runs = msg.runs.slice();
    for (const f of fields) if (this.holder(f).apply(msg[f] ?? [], buffers, change)) gap = true;
    this.kinds.images.receive(msg.image_data ?? [], buffers, change);
    this.kinds.graphs.receive(msg.graph_data ?? [], buffers, change);
    this.kinds.hparams.receive(msg.hparams_info ?? [], change);
    this.kinds.audio.receive(msg.audio_data ?? [], buffers, change);
    this.kinds.meshes.receive(msg.mesh_data ?? [], buffers, change);
    this.notify(change);
    return gap;
  }

  private holder<F extends DeltaField>(field: F): SeriesHolder<SeriesRef, DeltaOf<F>> {
    return this.kinds[field] as SeriesHolder<SeriesRef, DeltaOf<F>>;
  }

  /** Applies a GraphDataMessage (the kernel's answer to a GraphRequest). */
  applyGraphData(items: readonly GraphData[], buffers: readonly DataView[]): void {
    const change = new Change();
    this.kinds.graphs.receive(items ?? [], buffers, change);
    if (change.of("graph_data").size) this.notify(change);
  }

  /** Applies an AudioDataMessage (the kernel's answer to an AudioRequest). */
  applyAudioData(items: readonly AudioData[], buffers: readonly DataView[]): void {
    const change = new Change();
    this.kinds.audio.receive(items ?? [], buffers, change);
    if (change.of("audio_data").size) this.notify(change);
  }

  /** Applies a MeshDataMessage (the kernel's answer to a MeshRequest). */
  applyMeshData(items: readonly MeshData[], buffers: readonly DataView[]): void {
    const change = new Change();
    this.kinds.meshes.receive(items ?? [], buffers, change);
    if (change.of("mesh_data").size) this.notify(change);
  }

  /** Applies an ImageDataMessage (the kernel's answer to an ImageRequest). */
  applyImageData(items: readonly ImageData[], buffers: readonly DataView[]): void {
    const change = new Change();
    this.kinds.images.receive(items ?? [], buffers, change);
    if (change.of("image_data").size) this.notify(change);
  }
}
