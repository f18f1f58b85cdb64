// Strings are sequences of Unicode code points (spec: "Runtime values"):
// length, indexing and slicing count code points, not UTF-16 units. Most
// strings have no surrogate pairs, where both coincide, so every helper
// checks for that first and only then walks code points.

const SURROGATE = /[\uD800-\uDFFF]/;

/** True when code point and UTF-16 positions coincide for `s`. */
export function isBmpOnly(s: string): boolean {
  return !SURROGATE.test(s);
}

export function codePointLength(s: string): number {
  if (isBmpOnly(s)) return s.length;
  let n = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c < 0xd800 || c > 0xdbff) n++;
  }
  return n;
}

/** The code point at code-point index `i` (caller checks bounds). */
export function codePointAt(s: string, i: number): string {
  if (isBmpOnly(s)) return s[i]!;
  return Array.from(s)[i]!;
}

export function codePointSlice(s: string, start: number, end: number): string {
  if (isBmpOnly(s)) return s.slice(start, end);
  return Array.from(s).slice(start, end).join("");
}

export function codePoints(s: string): string[] {
  return Array.from(s);
}
