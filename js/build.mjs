// Bundles js/src/index.ts (the widget) with a custom plotly.js holding only the
// trace types tbnb draws, into ../tbnb/static/widget.js, and prints its size; and
// js/src/loader.ts, the few hundred bytes each board's model carries to find that
// bundle in the notebook's shared runtime model, into ../tbnb/static/loader.js.
import { build } from "esbuild";
import { readFileSync, statSync, writeFileSync } from "node:fs";
import { gzipSync } from "node:zlib";
import { fileURLToPath } from "node:url";
import { dirname, join } from "node:path";

const here = dirname(fileURLToPath(import.meta.url));
const outfile = join(here, "..", "tbnb", "static", "widget.js");
const BUDGET = 2.5 * 1024 * 1024;

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

await build({
  entryPoints: [join(here, "src", "index.ts")],
  outfile,
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

// the runtime model holds the bundle gzipped (tbnb/board/runtime.py): packed once here
writeFileSync(`${outfile}.gz`, gzipSync(readFileSync(outfile), { level: 9 }));

const size = statSync(outfile).size;
const mib = (size / 1024 / 1024).toFixed(2);
console.log(`tbnb bundle: ${outfile} ${size} bytes (${mib} MiB, budget 2.50 MiB)`);
if (size > BUDGET) {
  console.error(`bundle over budget by ${size - BUDGET} bytes`);
  process.exit(1);
}
