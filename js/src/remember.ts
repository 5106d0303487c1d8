// What a person curates on a board (pins, picked colours, card sizes) is remembered in
// the browser per logdir (localStorage), as TensorBoard keeps pins and colours: a board
// of that logdir made later (the notebook re-opened, the kernel restarted, the cell run
// again) starts with them when it has none of its own. The kernel does the same for its
// own life (tbnb/board/widget.py REMEMBERED); this covers a new kernel.
import type { BoardModel, Model } from "./settings";

export const REMEMBERED = ["pinned_cards", "run_colors", "full_size_cards", "card_width"] as const;
type Key = (typeof REMEMBERED)[number];
export type Remembered = Partial<Pick<BoardModel, Key>>;

const PREFIX = "tbnb:view:";

/** True when a setting holds nothing the person chose (its default). */
export function isUnset(value: unknown): boolean {
  if (value === null || value === undefined || value === 0) return true;
  if (Array.isArray(value)) return value.length === 0;
  if (typeof value === "object") return Object.keys(value as object).length === 0;
  return false;
}

/** The remembered settings that apply to a board holding `current` (those it has not set), checked. */
export function toRestore(saved: unknown, current: Remembered): Remembered {
  const out: Record<string, unknown> = {};
  if (!saved || typeof saved !== "object") return out;
  const s = saved as Record<string, unknown>;
  for (const key of REMEMBERED) {
    const v = s[key];
    if (!isUnset(current[key]) || isUnset(v)) continue;
    if (key === "card_width" ? typeof v === "number" && v > 0 && v < 10_000 : key === "run_colors" ? isColours(v) : isStrings(v)) out[key] = v;
  }
  return out as Remembered;
}

function isStrings(v: unknown): v is string[] {
  return Array.isArray(v) && v.length <= 1000 && v.every((x) => typeof x === "string");
}

function isColours(v: unknown): v is Record<string, string> {
  return !!v && typeof v === "object" && !Array.isArray(v) && Object.values(v).every((c) => typeof c === "string" && /^#[0-9a-fA-F]{6}$/.test(c));
}

function storage(): Storage | null {
  try {
    return typeof localStorage === "undefined" ? null : localStorage;
  } catch {
    return null; // a sandboxed frame may refuse it
  }
}

/** Restores what was remembered for this board's logdir, then keeps remembering; returns the cleanup. */
export function remember(model: Model): () => void {
  const store = storage();
  const logdir = model.get("logdir");
  if (!store || !logdir) return () => {};
  const key = PREFIX + logdir;
  let saved: unknown = null;
  try {
    saved = JSON.parse(store.getItem(key) ?? "null");
  } catch {
    saved = null;
  }
  const current: Remembered = {};
  for (const k of REMEMBERED) (current as Record<string, unknown>)[k] = model.get(k);
  // one message for all of them (ipywidgets holds back a second change while the first
  // is unanswered, and one held back this early was seen to be lost)
  const restore = Object.entries(toRestore(saved, current));
  for (const [k, v] of restore) model.set(k as Key, v as never);
  if (restore.length) model.save_changes();
  const save = () => {
    const value: Record<string, unknown> = {};
    for (const k of REMEMBERED) value[k] = model.get(k);
    try {
      store.setItem(key, JSON.stringify(value));
    } catch {
      // full or refused: nothing is remembered, the board works the same
    }
  };
  for (const k of REMEMBERED) model.on(`change:${k}`, save);
  return () => {
    for (const k of REMEMBERED) model.off(`change:${k}`, save);
  };
}
