// What the projector's modules share: the synced traits it reads, and what the
// browser holds of an embedding and of a projection received.
import type { AnyModel } from "@anywidget/types";
import { decodeArray, type ArrayRef, type EmbeddingEntry, type EmbeddingMessage, type ProjectionMessage } from "../protocol";
import { analyzeColumn, Sprite, spriteCell, type Column } from "./data";
import type { Points } from "./plot";

/** The synced traits the projector reads (tbnb.Projector's model, or a Board's). */
export interface ProjectorModel {
  board_id: string;
  view: string;
  embeddings: EmbeddingEntry[];
  height: number;
}

export type PModel = AnyModel<ProjectorModel>;

/** The board's model (or any model with an `embeddings` trait) seen as the projector's. */
export function asProjectorModel(model: object): PModel {
  return model as PModel;
}

export function embeddingsOf(model: object): EmbeddingEntry[] {
  return asProjectorModel(model).get("embeddings") ?? [];
}

export type Method = "pca" | "tsne" | "umap";
export type State = "idle" | "waiting" | "streaming" | "done" | "error";

export const METHOD_NAMES: Record<Method, string> = { pca: "PCA", tsne: "t-SNE", umap: "UMAP" };
export const WAIT_NOTE = "(the kernel answers once a running cell finishes)";

/** What the browser holds of the embedding shown. */
export interface Embedding {
  id: string;
  n: number;
  dim: number;
  columns: Column[];
  sprite: Sprite | null;
}

/** A projection received (PCA: every component sent; the others: the dims asked). */
export interface Projection {
  request: number;
  id: string;
  method: Method;
  dims: 2 | 3; // dimensions asked for (PCA: as many as the components allow)
  sphereize: boolean;
  positions: Float32Array | null; // row-major [m, stride]
  stride: number;
  m: number;
  indices: Int32Array | null; // the original point of each row (a sample), null: row = point
  variance: number[];
  iteration: number; // t-SNE: the iteration of the positions held
  done: boolean;
  stopped: boolean;
  note: string;
}

export interface PointsDrawn extends Points {
  iteration: number;
  final: boolean;
  projection: Projection;
}

/**
 * The projection a message (with positions) brings. `prev`: the frame held of the
 * same request (a t-SNE run), `sphereize`: the box's state when none, `iterations`:
 * those the t-SNE run was asked for (its last frame, iteration -1, holds their end).
 */
export function projectionOf(msg: ProjectionMessage, buffers: readonly DataView[], prev: Projection | null, sphereize: boolean, iterations: number): Projection {
  const positions = msg.positions ? decodeArray(msg.positions, buffers) : new Float32Array(0);
  const pos = positions instanceof Float32Array ? positions : Float32Array.from(positions);
  const shape = msg.positions?.shape ?? [0, 1];
  const m = shape[0] ?? 0;
  const stride = shape[1] ?? 1;
  return {
    request: msg.request,
    id: msg.id,
    method: msg.method,
    dims: msg.method === "pca" ? (Math.min(3, stride) as 2 | 3) : stride === 2 ? 2 : 3,
    sphereize: prev?.sphereize ?? sphereize,
    positions: pos,
    stride,
    m,
    indices: msg.indices ? Int32Array.from(decodeArray(msg.indices, buffers)) : null,
    variance: msg.variance ?? prev?.variance ?? [],
    iteration: msg.done && msg.method === "tsne" ? (msg.stopped ? (prev?.iteration ?? 0) : iterations) : (msg.iteration ?? 0),
    done: msg.done,
    stopped: !!msg.stopped,
    note: msg.note ?? "",
  };
}

/** The embedding a message brings: its columns analysed, its sprite decoding (then `onSprite`). */
export function embeddingOf(msg: EmbeddingMessage, buffers: readonly DataView[], onSprite: () => void): Embedding {
  const columns = msg.header.map((name, c) => analyzeColumn(name, msg.columns[c] ?? []));
  let sprite: Sprite | null = null;
  const cell = spriteCell(msg.sprite_size);
  if (msg.sprite && cell) {
    const bytes = decodeArray(msg.sprite as ArrayRef, buffers) as Uint8Array;
    sprite = new Sprite(bytes, cell[0], cell[1], msg.n, onSprite);
  }
  return { id: msg.id, n: msg.n, dim: msg.dim, columns, sprite };
}
