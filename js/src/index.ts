// The tbnb board: one anywidget model per board (CONTRIBUTING.md, principle 4). The model's
// data lives in a Store made once per model in initialize(), so every view of the
// model (a second view, a view made later) starts with everything received.
import { cardMargin } from "./axes";
import { BoardView } from "./board";
import { ensureStyle } from "./dom";
import { asProjectorModel } from "./projector/model";
import type { Model } from "./settings";
import type { GraphDataMessage, ImageDataMessage, ScalarDataMessage, Snapshot, UpdateMessage } from "./protocol";
import type { AudioDataMessage } from "./protocol";
import type { MeshDataMessage } from "./protocol";
import { remember } from "./remember";
import { Store } from "./store";
import { drawOffScreen } from "./plotly";
import css from "./style.css";

const STYLE_ID = "tbnb-style";
// Keyed by the board's id, not by the model object: anywidget hands initialize() and
// each render() its own wrapper of the model, and every view must find the one store.
const stores = new Map<string, Store>();
const remembering = new Set<string>();

function storeOf(model: Model): Store {
  const id = model.get("board_id");
  let store = stores.get(id);
  if (!store) {
    store = new Store();
    stores.set(id, store);
    store.sender = (request) => model.send(request);
    store.applySnapshot(model.get("data_snapshot") as Snapshot);
    model.on("msg:custom", (msg: unknown, buffers: DataView[]) => {
      const m = msg as UpdateMessage | ImageDataMessage | GraphDataMessage | ScalarDataMessage | AudioDataMessage | MeshDataMessage;
      if (!m) return;
      if (m.type === "update") {
        if (store!.apply(m, buffers ?? [])) model.send({ type: "resync" });
      } else if (m.type === "image_data") {
        // the answer to an ImageRequest: cached, and shown by the cards waiting for it
        store!.applyImageData(m.items ?? [], buffers ?? []);
      } else if (m.type === "scalar_data") {
        store!.applyScalarData(m.items ?? [], buffers ?? []);
      } else if (m.type === "audio_data") {
        store!.applyAudioData(m.items ?? [], buffers ?? []);
      } else if (m.type === "graph_data") {
        store!.applyGraphData(m.items ?? [], buffers ?? []);
      } else if (m.type === "mesh_data") {
        store!.applyMeshData(m.items ?? [], buffers ?? []);
      }
    });
  }
  return store;
}

/**
 * Draws one small chart off screen and throws it away, while the page waits for the first
 * board (the loader calls it once the runtime model's code is imported, at `%load_ext`):
 * plotly's first drawing in a page pays for compiling its drawing code and measuring
 * fonts, and the first board's chart then does not.
 */
async function warm(): Promise<void> {
  performance.mark("tbnb:warm"); // on the page's timeline (tests/browser/test_runtime.py)
  const x = Array.from({ length: 500 }, (_, i) => i);
  const line = (k: number) => ({ type: "scatter", mode: "lines", x, y: x.map((i) => Math.sin(i / 40) * k), hoverinfo: "x+y" });
  const layout = { margin: cardMargin(), showlegend: false, xaxis: { automargin: true }, font: { size: 11 } };
  await drawOffScreen([line(1), line(2)], layout, { displaylogo: false }, 400, 240);
}

export default {
  warm,
  initialize({ model }: { model: Model }) {
    storeOf(model);
    // once per board (a second view shares the model): pins and colours kept per logdir
    const id = model.get("board_id");
    if (asProjectorModel(model).get("view") !== "projector" && id && !remembering.has(id)) {
      remembering.add(id);
      remember(model);
    }
    // the model closed (the board closed, or its cell re-run): its data goes with it
    return () => {
      stores.delete(id);
      remembering.delete(id);
    };
  },
  async render({ model, el }: { model: Model; el: HTMLElement }) {
    performance.mark("tbnb:render"); // on the page's timeline (benchmarks/bench_board.py)
    ensureStyle(STYLE_ID, css);
    // tbnb.Projector: the projector alone (its code is a chunk of its own, board.ts)
    const view = asProjectorModel(model).get("view") === "projector" ? new (await import("./projector/view")).ProjectorView(model, { standalone: true }) : new BoardView(model, storeOf(model));
    el.appendChild(view.el);
    return () => view.destroy();
  },
};
