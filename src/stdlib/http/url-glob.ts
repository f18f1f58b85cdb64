// URL patterns of the mock registries: `*` alone matches everything, a
// pattern without `*` must equal the URL, and otherwise the pieces between
// stars must appear in order, the first anchored at the start and the last
// at the end (`https://api.example.com/*/items/*`).

import { starGlobMatch } from "../../runtime/star-glob.ts";

export function urlMatches(pattern: string, url: string): boolean {
  return pattern === "*" || starGlobMatch(pattern, url);
}
