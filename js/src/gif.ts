// A GIF's blocks walked without decoding its pixels (pure: no DOM): how many frames it
// holds and how long each shows, so the Images tab can say an image is a video
// (add_video writes an animated GIF) and step through it. The pixels are decoded by
// the browser (ImageDecoder, where there is one).

export interface GifInfo {
  width: number;
  height: number;
  frames: number;
  delays: number[]; // ms per frame, as browsers play them (<= 10 ms: 100 ms)
  error: string; // "" or why the blocks could not all be read (frames: those read)
}

/** Browsers show a frame of delay 0 or 1 (hundredths of a second) for 100 ms. */
export function playedDelay(hundredths: number): number {
  return hundredths <= 1 ? 100 : hundredths * 10;
}

/** The frames of a GIF and their delays; `error` says where reading stopped. */
export function parseGif(b: Uint8Array): GifInfo {
  const out: GifInfo = { width: 0, height: 0, frames: 0, delays: [], error: "" };
  const head = String.fromCharCode(...b.subarray(0, 6));
  if (head !== "GIF87a" && head !== "GIF89a") return { ...out, error: "not a GIF" };
  if (b.length < 13) return { ...out, error: "the GIF is truncated in its header" };
  out.width = b[6] | (b[7] << 8);
  out.height = b[8] | (b[9] << 8);
  let at = 13;
  if (b[10] & 0x80) at += 3 << ((b[10] & 7) + 1);
  let delay = 0;
  // skips data sub-blocks (a size byte, then that many bytes) up to the 0 that ends them
  const skipBlocks = (): boolean => {
    while (at < b.length) {
      const size = b[at];
      at += 1 + size;
      if (size === 0) return true;
    }
    return false;
  };
  const truncated = () => ({ ...out, error: `the GIF is truncated after ${out.frames} frame${out.frames === 1 ? "" : "s"}` });
  while (at < b.length) {
    const block = b[at++];
    if (block === 0x3b) return out; // trailer
    if (block === 0x21) {
      if (at >= b.length) return truncated();
      const label = b[at++];
      if (label === 0xf9 && at + 4 < b.length && b[at] >= 4) delay = b[at + 2] | (b[at + 3] << 8);
      if (!skipBlocks()) return truncated();
    } else if (block === 0x2c) {
      if (at + 9 > b.length) return truncated();
      const packed = b[at + 8];
      at += 9;
      if (packed & 0x80) at += 3 << ((packed & 7) + 1);
      at += 1; // LZW minimum code size
      if (at > b.length || !skipBlocks()) return truncated();
      out.frames++;
      out.delays.push(playedDelay(delay));
      delay = 0;
    } else {
      return { ...out, error: `unknown GIF block 0x${block.toString(16)} after ${out.frames} frames` };
    }
  }
  // no trailer: the frames read are whole, as browsers show them
  return out;
}
