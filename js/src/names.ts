// Names (runs) shown in little space. A name that fits is shown whole; so is one
// whose start already tells it apart from the other names shown (the CSS ellipsis
// at its end loses nothing that matters). A name that shares its start with another
// is shortened in the middle instead: it keeps a start, the end, and the places
// where it differs from the names it would be confused with, each cut shown as "…".
// The full name always goes in a title attribute (hover), as text, never HTML.

export const ELLIPSIS = "\u2026";

// Characters that change how a name looks without being seen: controls, bidirectional
// overrides and isolates (which can make "r3_exe.txt" read as "r3_txt.exe"), zero-width
// and other invisible formatting characters, variation selectors. The Python side's
// list is tbnb/board/names.py; both are tested against tests/fixtures/names.json.
const HIDDEN = /[\u0000-\u001f\u007f-\u009f\u00ad\u061c\u115f\u1160\u17b4\u17b5\u180b-\u180f\u200b-\u200f\u2028-\u202e\u2060-\u206f\u3164\ufe00-\ufe0f\ufeff\uffa0\ufff9-\ufffb]/g;

/** `s` with every invisible character shown as [U+XXXX], so no name can pass for another. */
export function visible(s: string): string {
  return s.replace(HIDDEN, (c) => `[U+${c.charCodeAt(0).toString(16).toUpperCase().padStart(4, "0")}]`);
}

/** Characters a run name gets in the run selector's rows, and in a card's title. */
export const RUN_ROW_CHARS = 28;
export const CARD_TITLE_CHARS = 32;

/** The first index where a and b differ (the shorter length when one starts the other). */
export function firstDifference(a: string, b: string): number {
  const n = Math.min(a.length, b.length);
  let i = 0;
  while (i < n && a[i] === b[i]) i++;
  return i;
}

/** The index in `a` of its last character that differs from `b`, both read from their ends (-1: none). */
export function lastDifference(a: string, b: string): number {
  let i = a.length - 1;
  let j = b.length - 1;
  while (i >= 0 && j >= 0 && a[i] === b[j]) {
    i--;
    j--;
  }
  return i;
}

/** The length of `name` shown with the characters of `keep` (each cut counts one ellipsis). */
function shownLength(keep: Uint8Array): number {
  let len = 0;
  for (let i = 0; i < keep.length; i++) if (keep[i] || i === 0 || keep[i - 1]) len++;
  return len;
}

function render(name: string, keep: Uint8Array): string {
  let out = "";
  for (let i = 0; i < name.length; i++) {
    if (keep[i]) out += name[i];
    else if (i === 0 || keep[i - 1]) out += ELLIPSIS;
  }
  return out;
}

/**
 * `name` in at most `max` characters, keeping what tells it apart from `others`:
 * its start, its end, and a few characters around the first place it differs from
 * each name that the start and the end do not tell it from.
 */
export function shortenName(name: string, others: readonly string[], max: number): string {
  if (name.length <= max) return name;
  if (max < 6) return name.slice(0, Math.max(0, max - 1)) + ELLIPSIS;
  const n = name.length;
  const keep = new Uint8Array(n);
  const mark = (a: number, b: number) => keep.fill(1, Math.max(0, a), Math.min(n, b));
  // a start and an end first; the room the differences leave goes to the end
  mark(0, Math.max(1, Math.floor(max * 0.25)));
  mark(n - Math.max(1, Math.floor(max * 0.25)), n);
  // the places where the names not told apart yet differ from this one, the most shared first
  const told = (d: number, e: number) => keep[Math.min(d, n - 1)] === 1 || (e >= 0 && keep[e] === 1);
  const rivals = others.filter((o) => o !== name).map((o) => ({ d: firstDifference(name, o), e: lastDifference(name, o) }));
  const places = new Map<number, number>();
  for (const r of rivals) if (!told(r.d, r.e)) places.set(r.d, (places.get(r.d) ?? 0) + 1);
  for (const [d] of [...places].sort((a, b) => b[1] - a[1] || a[0] - b[0])) {
    if (keep[Math.min(d, n - 1)]) continue;
    const before = keep.slice();
    mark(d - 4, d + 2);
    if (shownLength(keep) > max) keep.set(before);
  }
  // the room left goes to the end (the part that tells runs apart most often)
  for (;;) {
    let i = n - 1;
    while (i >= 0 && keep[i]) i--;
    if (i < 0) break;
    keep[i] = 1;
    if (shownLength(keep) > max) {
      keep[i] = 0;
      break;
    }
  }
  return render(name, keep);
}

/**
 * How each of `names` is shown in `max` characters among the others: whole, unless
 * it is longer and another name starts with the same max - 1 characters.
 */
export function shortNames(names: readonly string[], max: number): Map<string, string> {
  const out = new Map<string, string>();
  const sorted = [...new Set(names)].sort();
  sorted.forEach((name, i) => {
    // the longest start shared with another name is shared with a neighbour in sorted order
    const shared = Math.max(i > 0 ? firstDifference(name, sorted[i - 1]) : 0, i + 1 < sorted.length ? firstDifference(name, sorted[i + 1]) : 0);
    out.set(name, visible(name.length > max && shared >= max - 1 ? shortenName(name, sorted, max) : name));
  });
  return out;
}
