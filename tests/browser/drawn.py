"""What a scalar chart's plot element has drawn, as JavaScript expressions for the tests
and the benchmarks: plotly's traces of a run each (`plot.data`, each with `meta.run`
and `meta.kind`), and, on a card of many runs, the canvas' groups of runs
(`plot.tbnbLines`, js/src/line-canvas.ts), set once the canvas has painted them.
"""

from __future__ import annotations

# (p) => how many runs' raw lines plot element p has drawn, with at least one point
RAW_RUNS = """((p) => (p.data || []).reduce((a, t) => a + (t.meta && t.meta.kind === 'raw'
  && t.x && t.x.length > 0 ? 1 : 0), 0) + (p.tbnbLines || []).reduce((a, g) => a
  + (g.kind === 'raw' ? g.lines.filter((l) => l.x.length > 0).length : 0), 0))"""

# (p) => the names of the runs plot element p has drawn a line of, each once
DRAWN_RUNS = """((p) => [...new Set((p.data || []).flatMap((t) => (t.meta && t.meta.run
  ? [t.meta.run] : [])).concat((p.tbnbLines || []).flatMap((g) => g.runs)))])"""
