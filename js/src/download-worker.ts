// The code of a download worker (download-pool.ts): writes the rows of the series it
// is sent, CSV or a JSON file's runs, and sends the bytes back (transferred, not
// copied). Bundled on its own by build.mjs and carried in the widget's bundle as text.
import { CsvFile, JsonRuns } from "./download";
import type { WriteJob, WriteResult } from "./download-pool";

const scope = self as unknown as {
  onmessage: ((e: MessageEvent<WriteJob>) => void) | null;
  postMessage(msg: WriteResult, transfer: Transferable[]): void;
};

scope.onmessage = (e) => {
  const { id, format, first, series } = e.data;
  try {
    const file = format === "csv" ? new CsvFile(false) : new JsonRuns(first);
    for (const s of series) file.add(s);
    const parts = file.done();
    scope.postMessage({ id, parts }, parts.map((p) => p.buffer));
  } catch (err) {
    scope.postMessage({ id, error: String(err) }, []);
  }
};
