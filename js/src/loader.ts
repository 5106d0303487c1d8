// What each board's model carries as its code (issue 18, one copy of the front end per
// notebook): a few hundred bytes that find the notebook's shared runtime model (the model
// holding the bundle's text once, tbnb/board/runtime.py), import that code once per page,
// and hand the board to it. A notebook with five boards saves the bundle once, and the
// second board's first paint neither receives nor parses it again.
//
// The runtime model runs this same code: its initialize() starts importing the bundle as
// soon as the page has the model (made by `%load_ext tbnb`, or by the first board before
// it reads the logdir), so the page parses the bundle while the kernel is still reading.
//
// Built apart from the bundle (js/build.mjs) into tbnb/static/loader.js; it imports
// nothing, so it stays tiny.

interface WidgetModule {
  warm?(): Promise<void>;
  initialize?(ctx: { model: LoaderModel }): unknown;
  render(ctx: { model: LoaderModel; el: HTMLElement }): unknown;
}

interface RuntimeModel {
  get(key: "code_gzip" | "version"): string;
}

interface LoaderModel {
  get(key: string): unknown;
  get(key: "code_gzip" | "version"): string;
  widget_manager: { get_model(id: string): Promise<RuntimeModel> };
}

const REF = "IPY_MODEL_";

/**
 * A map kept once per page under `key`: each model's copy of this code may be a module
 * of its own, so what the copies share lives on the page's global object.
 */
function perPage<V>(key: string): Map<string, V> {
  const g = globalThis as unknown as Record<string, Map<string, V> | undefined>;
  return (g[key] ??= new Map());
}

// per page, version (a hash of the code) -> the imported module, shared by every board
function modules(): Map<string, Promise<WidgetModule>> {
  return perPage("__tbnbRuntimeModules");
}

// the runtime model holds the code gzipped, in base64 (tbnb/board/runtime.py packed)
async function unpacked(b64: string): Promise<Uint8Array<ArrayBuffer>> {
  // a loop, not Uint8Array.from(text, mapper): that walks the string's iterator and
  // called the mapper for each of 1.2 MB, 100-175 ms against 5-19 ms
  const text = atob(b64);
  const bytes = new Uint8Array(text.length);
  for (let i = 0; i < text.length; i++) bytes[i] = text.charCodeAt(i);
  const stream = new Blob([bytes]).stream().pipeThrough(new DecompressionStream("gzip"));
  return new Uint8Array(await new Response(stream).arrayBuffer());
}

// The code's chunks (js/build.mjs: widget.pack.gz): a line of JSON saying where each
// chunk's bytes are and where it names another chunk, then the bytes, each chunk after
// those it names.
interface Pack {
  format: "tbnb-chunks-1";
  main: string;
  chunks: { name: string; start: number; end: number; refs: [number, number, string][] }[];
}

/** The URL of the code's main module: each chunk a Blob of its bytes, the chunks it names pointed at their blob: URLs. */
function moduleUrl(bytes: Uint8Array<ArrayBuffer>): string {
  const js = (parts: BlobPart[]) => URL.createObjectURL(new Blob(parts, { type: "text/javascript" }));
  const line = bytes.indexOf(10);
  const head = new TextDecoder().decode(bytes.subarray(0, Math.max(0, line)));
  if (!head.startsWith('{"format":"tbnb-chunks-1"')) return js([bytes]); // one module (a bundle packed whole)
  const pack = JSON.parse(head) as Pack;
  const data = bytes.subarray(line + 1);
  // kept for the page's life: the lazy tabs' chunks are imported when first needed
  const urls = new Map<string, string>();
  for (const c of pack.chunks) {
    const parts: BlobPart[] = [];
    let at = c.start;
    for (const [from, to, name] of c.refs) {
      const url = urls.get(name);
      if (!url) throw new Error(`the code's chunk ${name} is missing`);
      parts.push(data.subarray(at, c.start + from), JSON.stringify(url));
      at = c.start + to;
    }
    parts.push(data.subarray(at, c.end));
    urls.set(c.name, js(parts));
  }
  const main = urls.get(pack.main);
  if (!main) throw new Error("the code's main chunk is missing");
  return main;
}

async function importCode(packed: string): Promise<WidgetModule> {
  // marks on the page's timeline (DevTools' performance panel; benchmarks/bench_board.py)
  performance.mark("tbnb:import-start");
  const url = moduleUrl(await unpacked(packed));
  const mod = (await import(/* webpackIgnore: true */ url)) as { default: WidgetModule };
  performance.mark("tbnb:imported");
  return mod.default;
}

// The runtime model is created in the kernel before any board that names it, so the page
// knows it first; restoring saved state, the manager registers every model before any
// initializes (and JupyterLab's get_model waits a while for one it does not know yet).
async function runtimeModel(model: LoaderModel): Promise<RuntimeModel> {
  const ref = String(model.get("runtime") ?? "");
  if (!ref.startsWith(REF)) throw new Error("this board names no runtime model");
  return model.widget_manager.get_model(ref.slice(REF.length));
}

function imported(runtime: RuntimeModel): Promise<WidgetModule> {
  const version = runtime.get("version");
  const cache = modules();
  let mod = cache.get(version);
  if (!mod) {
    mod = importCode(runtime.get("code_gzip"));
    cache.set(version, mod);
    mod.catch(() => cache.delete(version));
  }
  return mod;
}

function loadRuntime(model: LoaderModel): Promise<WidgetModule> {
  return runtimeModel(model).then(imported);
}

interface Ready {
  mod: WidgetModule;
  cleanup: unknown; // what the bundle's initialize() returned: run when the model closes
}

// board id -> its initialize() done (anywidget hands each call its own model wrapper);
// per page, as the runtime's copy of this code asks whether any board waits (initialize)
const ready = perPage<Promise<Ready>>("__tbnbBoardsReady");

function readyFor(model: LoaderModel): Promise<Ready> {
  const id = String(model.get("board_id") ?? "");
  let done = ready.get(id);
  if (!done) {
    done = loadRuntime(model).then(async (mod) => ({ mod, cleanup: await mod.initialize?.({ model }) }));
    ready.set(id, done);
    done.catch(() => ready.delete(id));
  }
  return done;
}

function explain(el: HTMLElement, err: unknown): void {
  const box = document.createElement("div");
  box.className = "tbnb-loader-error";
  box.setAttribute("role", "alert");
  box.style.cssText = "padding:8px 12px;border:1px solid #d33;color:#a00;font:13px sans-serif";
  const reason = err instanceof Error ? err.message : String(err);
  box.textContent =
    "tbnb could not load its front end from this notebook's shared runtime model " +
    `(${reason}). Re-run the cell that shows the board; if the notebook was saved, ` +
    "save it again with widget state.";
  el.replaceChildren(box);
}

export default {
  // not awaited: anywidget gives a model's initialize() two seconds, and the bundle's
  // first import on a busy machine may take longer; render() waits for it instead
  initialize({ model }: { model: LoaderModel }): (() => void) | undefined {
    if (model.get("code_gzip")) {
      // the runtime model: import the code now, and let it warm up its drawing while no
      // board waits for it. A board whose model came during the import (%load_ext and
      // %tbnb in one cell) draws first: the warm-up is ~0.1 s of plotly on the page's
      // one thread, which the board's first paint waited for (benchmarks/bench_board.py)
      imported(model)
        .then((mod) => (ready.size === 0 ? mod.warm?.() : undefined))
        .catch(() => undefined);
      return undefined;
    }
    const id = String(model.get("board_id") ?? "");
    const done = readyFor(model);
    done.catch(() => undefined);
    return () => {
      ready.delete(id);
      done.then(({ cleanup }) => typeof cleanup === "function" && cleanup()).catch(() => undefined);
    };
  },
  async render(ctx: { model: LoaderModel; el: HTMLElement }): Promise<unknown> {
    try {
      const { mod } = await readyFor(ctx.model);
      return await mod.render(ctx);
    } catch (err) {
      explain(ctx.el, err);
      return undefined;
    }
  },
};
