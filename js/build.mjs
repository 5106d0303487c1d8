// Bundles js/src/index.ts (the widget) with a custom plotly.js holding only the
// trace types tbnb draws, into ../tbnb/static/widget.js, and prints its size; and
// js/src/loader.ts, the few hundred bytes each board's model carries to find that
// bundle in the notebook's shared runtime model, into ../tbnb/static/loader.js.
import { build } from "esbuild";
import { mkdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { gzipSync } from "node:zlib";
import { fileURLToPath } from "node:url";
import { basename, dirname, join } from "node:path";

const here = dirname(fileURLToPath(import.meta.url));
const outfile = join(here, "..", "tbnb", "static", "widget.js");
const BUDGET = 2.5 * 1024 * 1024;
// what every board parses and runs before its first paint (issue 18): the main chunk
// and the chunks it imports statically; the lazy tabs' chunks are not in it
const FIRST_LOAD_BUDGET = 1.75 * 1024 * 1024;

// plotly's registry bundles maplibre's stylesheet (81 KB) for its map traces, which
// tbnb never registers: resolved to an empty string instead.
const noMapStyles = {
  name: "no-map-styles",
  setup(b) {
    b.onResolve({ filter: /^maplibre-gl\/dist\/maplibre-gl\.css$/ }, () => ({ path: "maplibre-gl.css", namespace: "empty" }));
    b.onLoad({ filter: /.*/, namespace: "empty" }, () => ({ contents: "", loader: "text" }));
  },
};

// the download workers' code (download-pool.ts starts them from a blob: URL), carried
// in the bundle as a string
const worker = await build({
  entryPoints: [join(here, "src", "download-worker.ts")],
  write: false,
  bundle: true,
  format: "iife",
  minify: process.env.TBNB_NO_MINIFY !== "1",
  target: ["es2020"],
  legalComments: "none",
  logLevel: "warning",
});
const workerCode = worker.outputFiles[0].text;

// The widget, split (esbuild's code splitting) into the code every board runs and the
// chunks of the tabs it imports when they are needed (board.ts: plotly's WebGL traces,
// dagre, the projector). Hosts take one file as a widget's code (anywidget's _esm, the
// runtime model, `tbnb export`), so widget.js is a small module holding each chunk's
// text: it makes each a blob: URL, the imports between them pointed at those URLs, and
// imports the main one. A chunk's text is parsed only when it is imported.
const split = await build({
  entryPoints: { widget: join(here, "src", "index.ts") },
  outdir: join(here, "..", "tbnb", "static", "chunks"),
  write: false,
  splitting: true,
  metafile: true,
  entryNames: "[name]-[hash]",
  chunkNames: "chunk-[hash]",
  bundle: true,
  format: "esm",
  // TBNB_NO_MINIFY=1: readable names for a profile (the file is written, then the budget check fails)
  minify: process.env.TBNB_NO_MINIFY !== "1",
  target: ["es2020"],
  legalComments: "none",
  logLevel: "warning",
  // plotly's UMD pieces look for AMD `define`: hosts that load requirejs
  // (classic Notebook, some VS Code renderers) would capture plotly otherwise.
  loader: { ".css": "text" },
  define: { "define.amd": "false", global: "globalThis", __TBNB_DOWNLOAD_WORKER__: JSON.stringify(workerCode) },
  plugins: [noMapStyles],
  // one regl: plotly's own build points regl's users (gl-text, regl-line2d) at its fork
  alias: { regl: "@plotly/regl" },
});

const files = new Map(); // chunk file name -> its code
const deps = new Map(); // chunk file name -> the chunks it imports (statically or not)
let main = "";
let firstLoad = 0; // what every board parses: the main chunk and what it imports statically
for (const f of split.outputFiles) files.set(basename(f.path), f.text);
for (const [path, out] of Object.entries(split.metafile.outputs)) {
  const name = basename(path);
  deps.set(name, out.imports.filter((i) => !i.external).map((i) => basename(i.path)));
  if (out.entryPoint === "src/index.ts") main = name;
}
// chunks in an order where each comes after what it imports (esbuild's chunks import
// no entry that imports them; a cycle would fail here, not in a person's page)
const order = [];
const state = new Map();
function visit(name, from) {
  if (state.get(name) === "done") return;
  if (state.get(name) === "on") throw new Error(`chunks import each other: ${from} -> ${name}`);
  state.set(name, "on");
  for (const d of deps.get(name) ?? []) {
    if (!files.get(name).includes(`"./${d}"`)) throw new Error(`${name} names ${d} in a way the loader does not rewrite`);
    visit(d, name);
  }
  state.set(name, "done");
  order.push(name);
}
visit(main, "");
const statics = new Set([main]);
for (const name of [...order].reverse()) {
  if (!statics.has(name)) continue;
  const out = split.metafile.outputs[Object.keys(split.metafile.outputs).find((p) => basename(p) === name)];
  for (const i of out.imports) if (i.kind === "import-statement") statics.add(basename(i.path));
}
for (const name of statics) firstLoad += Buffer.byteLength(files.get(name));

/** `s` as the text of a JS template literal */
const template = (s) => "`" + s.replace(/\\/g, "\\\\").replace(/`/g, "\\`").replace(/\$\{/g, "\\${") + "`";
const table = order.map((name) => `[${JSON.stringify(name)},${JSON.stringify(deps.get(name))},${template(files.get(name))}]`).join(",\n");
const boot = `// tbnb's front end (js/build.mjs): its chunks, each imported from a blob: URL
const chunks=[${table}];
const urls=new Map();
for(const[name,uses,text]of chunks){let code=text;for(const d of uses)code=code.split('"./'+d+'"').join(JSON.stringify(urls.get(d)));urls.set(name,URL.createObjectURL(new Blob([code],{type:"text/javascript"})));}
const mod=await import(urls.get(${JSON.stringify(main)}));
export default mod.default;
`;
// the literal gives back every chunk's text exactly
const check = new Function(`return [${order.map((n) => template(files.get(n))).join(",")}]`)();
order.forEach((n, i) => {
  if (check[i] !== files.get(n)) throw new Error(`chunk ${n} does not survive its template literal`);
});
mkdirSync(dirname(outfile), { recursive: true });
writeFileSync(outfile, boot);

// The same chunks as the runtime model holds them (tbnb/board/runtime.py, loader.ts):
// a line of JSON saying where each chunk's bytes are and where in them it names another
// chunk, then the bytes. The loader makes each chunk a Blob of its bytes with the other
// chunks' blob: URLs put in, with no JavaScript to parse first (the bootstrap module's
// literals took 80-150 ms to parse here).
const packed = [];
const entries = [];
let at = 0;
for (const name of order) {
  const bytes = Buffer.from(files.get(name), "utf8");
  const refs = [];
  for (const d of new Set(deps.get(name))) {
    const needle = Buffer.from(`"./${d}"`, "utf8");
    for (let i = bytes.indexOf(needle); i >= 0; i = bytes.indexOf(needle, i + needle.length)) refs.push([i, i + needle.length, d]);
  }
  refs.sort((a, b) => a[0] - b[0]);
  entries.push({ name, start: at, end: at + bytes.length, refs });
  packed.push(bytes);
  at += bytes.length;
}
const head = Buffer.from(`${JSON.stringify({ format: "tbnb-chunks-1", main, chunks: entries })}\n`, "utf8");
writeFileSync(join(here, "..", "tbnb", "static", "widget.pack.gz"), gzipSync(Buffer.concat([head, ...packed]), { level: 9 }));
console.log(`tbnb chunks: ${order.length}; every board parses ${(firstLoad / 1024 / 1024).toFixed(2)} MiB of them (budget ${(FIRST_LOAD_BUDGET / 1024 / 1024).toFixed(2)} MiB)`);
if (firstLoad > FIRST_LOAD_BUDGET) {
  console.error(`the code every board loads is over its budget by ${firstLoad - FIRST_LOAD_BUDGET} bytes: load the new code with its tab (board.ts)`);
  process.exit(1);
}

const loaderfile = join(here, "..", "tbnb", "static", "loader.js");
await build({
  entryPoints: [join(here, "src", "loader.ts")],
  outfile: loaderfile,
  bundle: true,
  format: "esm",
  minify: true,
  target: ["es2020"],
  legalComments: "none",
  logLevel: "warning",
});
console.log(`tbnb loader: ${loaderfile} ${statSync(loaderfile).size} bytes`);


const size = statSync(outfile).size;
const mib = (size / 1024 / 1024).toFixed(2);
console.log(`tbnb bundle: ${outfile} ${size} bytes (${mib} MiB, budget 2.50 MiB)`);
if (size > BUDGET) {
  console.error(`bundle over budget by ${size - BUDGET} bytes`);
  process.exit(1);
}
