// A plotly.js holding only the trace types tbnb draws (CONTRIBUTING.md, principle 4):
// the full distribution is ~4.6 MB minified, this one stays under the 2.5 MiB budget.
import Plotly from "plotly.js/lib/core";
import bar from "plotly.js/lib/bar";
import heatmap from "plotly.js/lib/heatmap";
import mesh3d from "plotly.js/lib/mesh3d";
import parcoords from "plotly.js/lib/parcoords";
import scatter from "plotly.js/lib/scatter";
import scatter3d from "plotly.js/lib/scatter3d";
import scattergl from "plotly.js/lib/scattergl";
import splom from "plotly.js/lib/splom";

Plotly.register([scatter, scattergl, scatter3d, heatmap, bar, parcoords, splom]);
Plotly.register([mesh3d]); // the Mesh tab: +16.8 KB minified (scatter3d brings gl-plot3d already)

export default Plotly;
