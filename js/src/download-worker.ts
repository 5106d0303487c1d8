// The code of a download worker (download-pool.ts): writes the rows of the series it
// is sent, CSV or a JSON file's runs, and sends the bytes back (transferred, not
// copied). While a download menu is open it is sent series to prepare: their numbers
// written as text once, kept for the plan's writes, which then put the chosen format
// together from them. Bundled on its own by build.mjs and carried in the widget's
// bundle as text.
import { prepareSeries, writePrepared, type PreparedSeries } from "./download";
import type { PrepareJob, WriteJob, WriteResult } from "./download-pool";

const scope = self as unknown as {
  onmessage: ((e: MessageEvent<WriteJob | PrepareJob>) => void) | null;
  postMessage(msg: WriteResult, transfer: Transferable[]): void;
};

// the plan prepared (one at a time: a new plan's series replace the last's), and its
// series by their place in the download
let plan = "";
const prepared = new Map<number, PreparedSeries>();

scope.onmessage = (e) => {
  const msg = e.data;
  if (msg.kind === "prepare") {
    if (msg.at.plan !== plan) {
      plan = msg.at.plan;
      prepared.clear();
    }
    try {
      msg.series.forEach((s, i) => prepared.set(msg.at.start + i, prepareSeries(s)));
    } catch {
      // written from the points when the format is chosen
    }
    return;
  }
  const { id, format, first, series, at } = msg;
  try {
    const mine = at && at.plan === plan;
    const { parts, reused } = writePrepared(format, first, series, (i) => (mine ? prepared.get(at.start + i) : undefined));
    if (mine) for (let i = 0; i < series.length; i++) prepared.delete(at.start + i);
    scope.postMessage({ id, parts, reused }, parts.map((p) => p.buffer));
  } catch (err) {
    scope.postMessage({ id, error: String(err) }, []);
  }
};
