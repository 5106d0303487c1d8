// plotly's WebGL traces, registered into the one plotly every board loads (plotly.ts):
// imported only by the tabs that draw them (Mesh, HParams, Projector), which the board
// loads when their tab is first opened or the page is idle (board.ts), so a board's
// first paint does not parse or run them (issue 18: importing them was ~0.4 s of the
// bundle's ~0.8 s here).
import Plotly from "./plotly";
import mesh3d from "plotly.js/lib/mesh3d";
import parcoords from "plotly.js/lib/parcoords";
import points3d from "./points3d";
import scatter3d from "plotly.js/lib/scatter3d";
import scattergl from "plotly.js/lib/scattergl";
import splom from "plotly.js/lib/splom";

Plotly.register([scattergl, scatter3d, mesh3d, points3d, parcoords, splom]);

export { drawOffScreen } from "./plotly";
export default Plotly;
