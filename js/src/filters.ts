// The one regex dialect of the tag and run filters (and the projector's regex
// search), shared with the Python side (tbnb/board) through the cases of
// tests/fixtures/filters.json: a pattern matches when it is found anywhere in a
// name; a leading (?i) makes it case-insensitive; constructs that Python's re and
// JavaScript's RegExp read differently (or only one of them reads) are rejected
// with the same message on both sides, so a filter means the same everywhere.

export interface CompiledFilter {
  /** null when the pattern is rejected (then every name passes, and `error` says why) */
  re: RegExp | null;
  /** "" or the message to show where the pattern was typed */
  error: string;
}

const INVALID = "is not a valid regular expression";
const FLAGS_ONLY_AT_START = "an inline flag such as (?i) is only allowed at the start";
const ONLY_I_FLAG = "only the (?i) flag is supported";
const NO_NAMED_GROUPS = "named groups are not supported";
const NO_STRING_ANCHORS = "\\A, \\Z and \\z are not supported (use ^ and $)";
const NO_ATOMIC = "atomic groups and possessive quantifiers are not supported";

/** An inline flag group at the start of `s`: (?flags) or (?flags:...), Python's letters. */
const FLAG_GROUP = /^\(\?([aiLmsux-]+)([):])/;

/** Why `body` (the pattern after a leading (?i)) is outside the dialect, or "". */
function unsupported(body: string): string {
  let inClass = false;
  for (let i = 0; i < body.length; i++) {
    const c = body[i];
    if (c === "\\") {
      const next = body[i + 1];
      if (!inClass && (next === "A" || next === "Z" || next === "z")) return NO_STRING_ANCHORS;
      if (!inClass && next === "k" && body[i + 2] === "<") return NO_NAMED_GROUPS;
      i++; // the escaped character is taken as it is
      continue;
    }
    if (inClass) {
      if (c === "]") inClass = false;
      continue;
    }
    if (c === "[") {
      inClass = true;
      if (body[i + 1] === "^") i++;
      if (body[i + 1] === "]") i++; // a ']' first in a class is a character
      continue;
    }
    if (c === "(" && body[i + 1] === "?") {
      const rest = body.slice(i + 2);
      if (rest.startsWith("P<") || rest.startsWith("P=") || /^<[^=!]/.test(rest)) return NO_NAMED_GROUPS;
      if (rest.startsWith(">")) return NO_ATOMIC;
      const flags = FLAG_GROUP.exec(body.slice(i));
      if (flags) return flags[1] === "i" && flags[2] === ")" ? FLAGS_ONLY_AT_START : ONLY_I_FLAG;
      continue;
    }
    if ((c === "*" || c === "+" || c === "?") && body[i + 1] === "+") return NO_ATOMIC;
    if (c === "{") {
      // a possessive counted repeat: {m}+, {m,}+, {m,n}+
      const counted = /^\{\d*(,\d*)?\}\+/.exec(body.slice(i));
      if (counted && counted[0] !== "{}+") return NO_ATOMIC;
    }
  }
  return "";
}

/** Compiles a filter typed by the person, in the dialect above. */
export function compileFilter(pattern: string): CompiledFilter {
  const quoted = `"${pattern}" ${INVALID}`;
  let body = pattern;
  let flags = "";
  const lead = FLAG_GROUP.exec(pattern);
  if (lead && lead[2] === ")") {
    if (lead[1] !== "i") return { re: null, error: `${quoted}: ${ONLY_I_FLAG}` };
    body = pattern.slice(lead[0].length);
    flags = "i";
  }
  const why = unsupported(body);
  if (why) return { re: null, error: `${quoted}: ${why}` };
  try {
    return { re: new RegExp(body, flags), error: "" };
  } catch {
    return { re: null, error: quoted };
  }
}

/** Whether `name` passes a compiled filter (a rejected pattern lets every name pass). */
export function passes(filter: CompiledFilter, name: string): boolean {
  return filter.re === null || filter.re.test(name);
}
