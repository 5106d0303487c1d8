// The tag regexes of the Custom Scalars layouts and of the multi-tag charts: matched
// from the tag's start, as TensorBoard's custom scalars plugin does (Python's
// re.match). Pure functions, tested with node (tests/fixtures/tag_match.json, made
// with Python's re).

/** A compiled tag regex, or what is wrong with it (said on the card). */
export function tagRegex(pattern: string): { re: RegExp | null; error: string } {
  try {
    return { re: new RegExp(`^(?:${pattern})`), error: "" };
  } catch (e) {
    return { re: null, error: `invalid regex ${JSON.stringify(pattern)}: ${(e as Error).message}` };
  }
}

/** The tags matching any of `patterns` (in the order of `tags`), and the errors of those that do not compile. */
export function matchTags(patterns: readonly string[], tags: readonly string[]): { tags: string[]; errors: string[] } {
  const res: RegExp[] = [];
  const errors: string[] = [];
  for (const p of patterns) {
    const { re, error } = tagRegex(p);
    if (re) res.push(re);
    else errors.push(error);
  }
  return { tags: tags.filter((t) => res.some((re) => re.test(t))), errors };
}
