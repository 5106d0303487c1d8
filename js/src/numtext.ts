// Numbers written as text straight into bytes, for downloads of a million points
// (download.ts): `String(x)` of a float costs V8 about a microsecond, which for the
// 2,000,000 floats of a 100 runs x 10,000 points card was most of a download.
//
// Every number written reads back as the same float64 (Number(text) === x): integers
// are written digit by digit; other floats of magnitude 1e-6 .. 1e17 (losses, learning
// rates, wall times) as their 17 significant digits, computed exactly with an
// error-free product (Dekker's TwoProduct: no rounding between the float and its
// digits), then shortened while the shorter number still reads back as x, so that
// mostly the text is String(x)'s (at times one digit longer, never wrong). Anything
// else (tiny, huge) goes through String(x).

const SPLIT = 134217729; // 2^27 + 1 (Dekker's split of a float64 into two halves)
/** 10^0 .. 10^22: every one exact in a float64 */
const POW10: number[] = Array.from({ length: 23 }, (_, i) => Number(`1e${i}`));
const F64 = new Float64Array(1);
const U32 = new Uint32Array(F64.buffer);
// the high word of a float64 in U32 (little-endian hosts: every browser tbnb runs in)
const HI = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1 ? 1 : 0;
/** 2^(e - 1075) for a float64's biased exponent e: the spacing of floats at it */
const ULP: Float64Array = Float64Array.from({ length: 2048 }, (_, e) => Math.pow(2, e - 1075));
const ZERO = 48;
const DOT = 46;
const MINUS = 45;

/** An output of bytes in chunks (Blob parts), never one giant string. */
export class ByteWriter {
  readonly parts: Uint8Array<ArrayBuffer>[] = [];
  private buf: Uint8Array<ArrayBuffer>;
  pos = 0;
  private digits = new Uint8Array(24);

  constructor(private chunk = 1 << 20) {
    this.buf = new Uint8Array(chunk);
  }

  /** Room for `n` more bytes in the current chunk. */
  private room(n: number): void {
    if (this.pos + n <= this.buf.length) return;
    this.flush();
    if (n > this.buf.length) this.buf = new Uint8Array(n);
  }

  private flush(): void {
    if (this.pos) this.parts.push(this.buf.subarray(0, this.pos));
    this.buf = new Uint8Array(this.chunk);
    this.pos = 0;
  }

  /** The bytes written so far, as Blob parts (the writer is done after this). */
  done(): Uint8Array<ArrayBuffer>[] {
    if (this.pos) this.parts.push(this.buf.subarray(0, this.pos));
    this.pos = 0;
    return this.parts;
  }

  bytes(b: Uint8Array): void {
    this.room(b.length);
    if (b.length < 16) {
      for (let i = 0; i < b.length; i++) this.buf[this.pos + i] = b[i];
    } else {
      this.buf.set(b, this.pos);
    }
    this.pos += b.length;
  }

  /** `part` as the next bytes, as it is (written whole elsewhere: download.ts) */
  part(part: Uint8Array<ArrayBuffer>): void {
    if (this.pos) {
      this.parts.push(this.buf.subarray(0, this.pos));
      this.buf = this.buf.subarray(this.pos);
      this.pos = 0;
    }
    if (part.length) this.parts.push(part);
  }

  /** ASCII text (the callers' fixed words and String() fallbacks). */
  ascii(s: string): void {
    this.room(s.length);
    for (let i = 0; i < s.length; i++) this.buf[this.pos++] = s.charCodeAt(i);
  }

  byte(c: number): void {
    this.room(1);
    this.buf[this.pos++] = c;
  }

  /** A non-negative integer below 2^53, digit by digit. */
  private uint(v: number): void {
    const d = this.digits;
    let n = 0;
    if (v < 2147483648) {
      let i = v | 0;
      do {
        const q = (i / 10) | 0;
        d[n++] = ZERO + (i - q * 10);
        i = q;
      } while (i > 0);
    } else {
      do {
        const q = Math.floor(v / 10);
        d[n++] = ZERO + (v - q * 10);
        v = q;
      } while (v > 0);
    }
    this.room(n);
    const b = this.buf;
    let p = this.pos;
    while (n > 0) b[p++] = d[--n];
    this.pos = p;
  }

  /**
   * A finite number as text that reads back as the same float64 (the caller writes
   * NaN and +-Inf as its format wants). `String(x)` where the fast paths do not apply.
   */
  number(x: number): void {
    if (x === 0) {
      this.byte(ZERO);
      return;
    }
    const a = x < 0 ? -x : x;
    if (a < 9007199254740992 && Math.floor(a) === a) {
      this.room(17);
      if (x < 0) this.buf[this.pos++] = MINUS;
      this.uint(a);
      return;
    }
    if (!(a >= 1e-6 && a < 1e17) || !this.float(x < 0, a)) this.ascii(String(x));
  }

  /** 1e-6 <= a < 1e17, not an integer: false if it could not be written exactly. */
  private float(negative: boolean, a: number): boolean {
    F64[0] = a;
    const exp = (U32[HI] >>> 20) & 0x7ff;
    const mantissaZero = (U32[HI] & 0xfffff) === 0 && U32[1 - HI] === 0;
    // the decimal exponent E (a in [10^E, 10^(E+1))): a guess from the binary one
    // (off by one at most), put right below by where a * 10^(16 - E) falls
    let s = 16 - Math.floor((exp - 1023) * 0.3010299956639812);
    let p = 0;
    let e = 0;
    for (let tries = 0; ; tries++) {
      if (s < 0 || s > 22 || tries > 2) return false;
      // p + e = a * 10^s exactly (10^s is exact for s <= 22)
      const b = POW10[s];
      p = a * b;
      let c = SPLIT * a;
      const ah = c - (c - a);
      const al = a - ah;
      c = SPLIT * b;
      const bh = c - (c - b);
      const bl = b - bh;
      e = ah * bh - p + ah * bl + al * bh + al * bl;
      if (p < 1e16) s++;
      else if (p >= 1e17) s--;
      else break;
    }
    // p is an integer (>= 2^53): split in two exactly (hi * 1e8 is exact: hi * 390625 * 256)
    let hi = Math.floor(p / 1e8);
    let lo = p - hi * 1e8;
    if (lo < 0) {
      hi--;
      lo += 1e8;
    } else if (lo >= 1e8) {
      hi++;
      lo -= 1e8;
    }
    // the exact value is hi * 1e8 + r (r to within ~1e-8), in units of the 17th digit
    let r = lo + e;
    // half the distance to the neighbouring floats in the same units (a power of two
    // times 10^s: exact); below a power of two the lower neighbour is half as far
    const up = ULP[exp] * POW10[s] * 0.5;
    const down = mantissaZero ? up * 0.5 : up;
    // 17 digits, correctly rounded (a tie either way reads back: half a unit < ulp / 4)
    let L = Math.round(r);
    if (L - r === 0.5 && (L & 1) === 1) L--; // a tie: to even, as String() does
    if (L >= 1e8) {
      hi++;
      L -= 1e8;
      r -= 1e8;
    } else if (L < 0) {
      hi--;
      L += 1e8;
      r += 1e8;
    }
    let E = 16 - s;
    if (hi >= 1e9) {
      hi = 1e8;
      L = 0;
      r = 0;
      E++;
    }
    // fewer digits: the 17 rounded, while that still reads back as a (an unsure
    // comparison keeps the longer, which always does)
    let cHi = hi;
    let cL = L;
    for (let j = 1; j < 17; j++) {
      let nHi = hi;
      let nL = 0;
      if (j <= 8) {
        const unit = POW10[j];
        const t = L / unit;
        let m = Math.round(t);
        if (m - t === 0.5 && (m & 1) === 1) m--; // a tie: to even, as String() does
        nL = m * unit;
        if (nL >= 1e8) {
          nHi++;
          nL -= 1e8;
        }
      } else {
        const unit = POW10[j - 8];
        nHi = Math.round((hi + L / 1e8) / unit) * unit;
      }
      const diff = (nHi - hi) * 1e8 + nL - r; // the shorter number - a, in units
      if (diff < 0 ? -diff >= down - 1e-6 : diff >= up - 1e-6) break;
      cHi = nHi;
      cL = nL;
    }
    if (cHi >= 1e9) {
      // rounding carried into a new leading digit
      cHi = 1e8;
      cL = 0;
      E++;
    }
    // the 17 digits: cHi's 9 then cL's 8, trailing zeros dropped
    let dHi = cHi | 0;
    let dLo = cL | 0;
    let n = 17;
    if (dLo === 0) {
      n = 9;
      while (dHi % 10 === 0) {
        dHi = (dHi / 10) | 0;
        n--;
      }
    } else {
      while (dLo % 10 === 0) {
        dLo = (dLo / 10) | 0;
        n--;
      }
    }
    // where the digits go: the sign, "0.000" before them when E < 0, a dot after E + 1
    this.room(40);
    const out = this.buf;
    let q = this.pos;
    if (negative) out[q++] = MINUS;
    let dot = -1; // the index of the digit the dot follows (-1: none)
    if (E < 0) {
      out[q++] = ZERO;
      out[q++] = DOT;
      for (let i = -1; i > E; i--) out[q++] = ZERO;
    } else if (E + 1 < n) {
      dot = E;
    }
    const len = E >= n ? E + 1 : n; // integer digits past the 17th are zeros
    const end = q + len + (dot >= 0 ? 1 : 0);
    for (let i = q + n + (dot >= 0 ? 1 : 0); i < end; i++) out[i] = ZERO;
    // digit k (0: the first) is at q + k, or q + k + 1 past the dot: written last first
    let k = n - 1;
    let at = q + k + (dot >= 0 ? 1 : 0);
    const stop = dot >= 0 ? dot : -1; // below this k, no dot to skip
    for (; k >= 9; k--) {
      if (k === stop) at--;
      const t = (dLo / 10) | 0;
      out[at--] = (ZERO + dLo - ((t << 3) + (t << 1))) | 0;
      dLo = t;
    }
    for (; k >= 0; k--) {
      if (k === stop) at--;
      const t = (dHi / 10) | 0;
      out[at--] = (ZERO + dHi - ((t << 3) + (t << 1))) | 0;
      dHi = t;
    }
    if (dot >= 0) out[q + dot + 1] = DOT;
    this.pos = end;
    return true;
  }
}

/** The text ByteWriter.number writes for `x` (tests). */
export function numberText(x: number): string {
  const w = new ByteWriter(64);
  w.number(x);
  return new TextDecoder().decode(concat(w.done()));
}

export function concat(parts: readonly Uint8Array[]): Uint8Array {
  let n = 0;
  for (const p of parts) n += p.length;
  const out = new Uint8Array(n);
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}
