// plotly.js ships types for its full entry point only; the per-trace modules
// used to build the custom bundle are typed here.
declare module "plotly.js/lib/core" {
  import type * as P from "plotly.js";
  const Plotly: typeof P & { register(modules: unknown[]): void };
  export default Plotly;
}
declare module "plotly.js/lib/bar" { const m: unknown; export default m; }
declare module "plotly.js/lib/heatmap" { const m: unknown; export default m; }
declare module "plotly.js/lib/mesh3d" { const m: unknown; export default m; }
declare module "plotly.js/lib/parcoords" { const m: unknown; export default m; }
declare module "plotly.js/lib/scatter" { const m: unknown; export default m; }
declare module "plotly.js/lib/scatter3d" { const m: unknown; export default m; }
declare module "plotly.js/lib/scattergl" { const m: unknown; export default m; }
declare module "plotly.js/lib/splom" { const m: unknown; export default m; }
declare module "plotly.js/src/traces/mesh3d/attributes" { const m: unknown; export default m; }
declare module "plotly.js/src/lib/str2rgbarray" { const f: (c: unknown) => number[]; export default f; }
declare module "plotly.js/stackgl_modules" { const m: unknown; export default m; }
declare module "plotly.js/src/lib" {
  const Lib: { coerce(traceIn: unknown, traceOut: unknown, attributes: unknown, attr: string, dflt?: unknown): unknown };
  export default Lib;
}
