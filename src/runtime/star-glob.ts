// `*` wildcards as the mock registries match them (LLM prompt patterns, HTTP
// and transport URL patterns): a pattern without `*` must equal the text;
// otherwise the pieces between stars must appear in order, the first at the
// start of the text and the last at its end.

export function starGlobMatch(pattern: string, text: string): boolean {
  if (!pattern.includes("*")) return pattern === text;
  const parts = pattern.split("*");
  let rest = text;
  for (let i = 0; i < parts.length; i++) {
    const part = parts[i]!;
    if (part === "") continue;
    if (i === 0) {
      if (!rest.startsWith(part)) return false;
      rest = rest.slice(part.length);
    } else if (i === parts.length - 1) {
      return rest.endsWith(part);
    } else {
      const at = rest.indexOf(part);
      if (at < 0) return false;
      rest = rest.slice(at + part.length);
    }
  }
  return true;
}
