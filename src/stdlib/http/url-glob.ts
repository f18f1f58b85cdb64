// URL patterns of the mock registries: `*` alone matches everything, a
// pattern without `*` must equal the URL, and otherwise the pieces between
// stars must appear in order, the first anchored at the start and the last
// at the end (`https://api.example.com/*/items/*`).

export function urlMatches(pattern: string, url: string): boolean {
  if (pattern === "*") return true;
  if (!pattern.includes("*")) return pattern === url;
  const parts = pattern.split("*");
  let rest = url;
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
