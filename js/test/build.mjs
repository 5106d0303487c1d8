// Runs the front end's unit tests: bundles every js/test/*.test.ts (with the
// modules of js/src it imports, and the shared cases of tests/fixtures/*.json)
// with esbuild into js/test/.out/ (git-ignored), then runs them with node's own
// test runner. `npm --prefix js test`; arguments are passed to `node --test`.
import { build } from "esbuild";
import { spawnSync } from "node:child_process";
import { readdirSync, rmSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const here = dirname(fileURLToPath(import.meta.url));
const out = join(here, ".out");
const tests = readdirSync(here).filter((f) => f.endsWith(".test.ts"));
if (tests.length === 0) {
  console.error(`no *.test.ts in ${here}`);
  process.exit(1);
}
rmSync(out, { recursive: true, force: true });
await build({
  entryPoints: tests.map((f) => join(here, f)),
  outdir: out,
  outExtension: { ".js": ".mjs" },
  bundle: true,
  platform: "node",
  format: "esm",
  target: ["node20"],
  sourcemap: "inline",
  logLevel: "warning",
  // what the widget's bundle reads as text; the modules tested do not draw
  loader: { ".css": "text" },
});
const files = tests.map((f) => join(out, f.replace(/\.ts$/, ".mjs")));
const run = spawnSync(process.execPath, ["--enable-source-maps", "--test", ...process.argv.slice(2), ...files], { stdio: "inherit" });
process.exit(run.status ?? 1);
