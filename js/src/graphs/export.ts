// Downloads of the graph as drawn: an SVG file that looks the same on its own (the
// computed styles copied onto each element, the whole graph in its viewBox), and a
// PNG of it at twice its size, drawn through an Image of the SVG onto a canvas.
import { saveBlob } from "../download";

const STYLED = ["fill", "fill-opacity", "stroke", "stroke-width", "stroke-dasharray", "stroke-opacity", "opacity", "font-family", "font-size", "font-weight", "font-style", "text-anchor", "dominant-baseline", "paint-order", "visibility", "display"];

/** A file name from the run and tag: characters outside [A-Za-z0-9._-] become "_". */
export function fileName(run: string, tag: string, ext: string): string {
  const safe = (s: string) => s.replace(/[^A-Za-z0-9._-]+/g, "_").replace(/^[._]+/, "") || "graph";
  return `graph-${safe(run)}-${safe(tag)}.${ext}`;
}

/**
 * A standalone copy of `live` showing the box (graph coordinates) x, y, w, h on
 * `background` (the canvas' colour: a dark theme's light text stays readable).
 * Each element gets the computed styles that differ from its parent's.
 */
export function standalone(live: SVGSVGElement, box: { x: number; y: number; w: number; h: number }, background: string): SVGSVGElement {
  const copy = live.cloneNode(true) as SVGSVGElement;
  const from = [live, ...live.querySelectorAll("*")];
  const to = [copy, ...copy.querySelectorAll("*")];
  const computed = new Map<Element, CSSStyleDeclaration>();
  for (let i = 0; i < from.length && i < to.length; i++) {
    const cs = getComputedStyle(from[i]);
    computed.set(from[i], cs);
    const parent = i > 0 && from[i].parentElement ? computed.get(from[i].parentElement!) : undefined;
    const style: string[] = [];
    for (const p of STYLED) {
      const v = cs.getPropertyValue(p);
      if (v && (!parent || parent.getPropertyValue(p) !== v)) style.push(`${p}:${v}`);
    }
    to[i].setAttribute("style", style.join(";"));
    to[i].removeAttribute("class");
    to[i].removeAttribute("tabindex");
  }
  const pad = 16;
  // the viewport's pan and zoom: the file shows the graph at its own coordinates
  for (const g of copy.children) if (g.tagName === "g") g.removeAttribute("transform");
  const w = Math.ceil(box.w + 2 * pad);
  const h = Math.ceil(box.h + 2 * pad);
  copy.setAttribute("xmlns", "http://www.w3.org/2000/svg");
  copy.setAttribute("viewBox", `${(box.x - pad).toFixed(1)} ${(box.y - pad).toFixed(1)} ${w} ${h}`);
  copy.setAttribute("width", String(w));
  copy.setAttribute("height", String(h));
  const style = copy.getAttribute("style") ?? "";
  copy.setAttribute("style", `${style};background-color:${background && background !== "rgba(0, 0, 0, 0)" ? background : "#fff"}`);
  return copy;
}

export function svgText(copy: SVGSVGElement): string {
  return `<?xml version="1.0" encoding="UTF-8"?>\n${new XMLSerializer().serializeToString(copy)}`;
}

export function save(blob: Blob, name: string): void {
  saveBlob(blob, name);
}

/** Browsers refuse canvases past about 16k px a side or 256 Mpx: the PNG's scale stays under. */
const MAX_SIDE = 16000;
const MAX_AREA = 120e6;

/** The SVG drawn at 2x (less when that would pass the canvas limits) as a PNG blob. */
export function pngOf(copy: SVGSVGElement): Promise<Blob> {
  const w = Number(copy.getAttribute("width"));
  const h = Number(copy.getAttribute("height"));
  const scale = Math.min(2, MAX_SIDE / w, MAX_SIDE / h, Math.sqrt(MAX_AREA / (w * h)));
  const url = URL.createObjectURL(new Blob([svgText(copy)], { type: "image/svg+xml" }));
  return new Promise<Blob>((resolve, reject) => {
    const img = new Image();
    img.onload = () => {
      const canvas = document.createElement("canvas");
      canvas.width = Math.max(1, Math.round(w * scale));
      canvas.height = Math.max(1, Math.round(h * scale));
      const ctx = canvas.getContext("2d");
      if (!ctx) {
        URL.revokeObjectURL(url);
        reject(new Error("no 2D canvas"));
        return;
      }
      ctx.drawImage(img, 0, 0, canvas.width, canvas.height);
      URL.revokeObjectURL(url);
      canvas.toBlob((b) => (b ? resolve(b) : reject(new Error("the PNG could not be made (the graph may be too large)"))), "image/png");
    };
    img.onerror = () => {
      URL.revokeObjectURL(url);
      reject(new Error("the SVG could not be drawn to a PNG"));
    };
    img.src = url;
  });
}
