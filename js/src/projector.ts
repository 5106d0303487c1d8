// The embedding projector's view (protocol: the last section of protocol.ts).
import type { AnyModel } from "@anywidget/types";
import { h } from "./dom";
import type { EmbeddingEntry } from "./protocol";

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

export class ProjectorView {
  readonly el: HTMLElement;
  constructor(model: object, _options: { standalone?: boolean } = {}) {
    void model;
    this.el = h("div", { class: "tbnb-projector" });
  }
  destroy(): void {}
}
