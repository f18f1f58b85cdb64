// Source positions. Offsets index the JS string (UTF-16 units) so slicing
// is cheap; line and column are 1-based and count Unicode code points,
// which is what users see in an editor and what the reference prints.

/** A half-open range of source text with the line/column of its start. */
export interface Span {
  /** Offset of the first character (UTF-16 index into the source). */
  readonly start: number;
  /** Offset one past the last character. */
  readonly end: number;
  /** 1-based line of `start`. */
  readonly line: number;
  /** 1-based column of `start`, counted in code points. */
  readonly col: number;
  /** 1-based line of `end` (for multi-line constructs). */
  readonly endLine: number;
}

export function span(start: number, end: number, line: number, col: number, endLine = line): Span {
  return { start, end, line, col, endLine };
}

/** A span covering `a` through `b`. */
export function mergeSpans(a: Span, b: Span): Span {
  return { start: a.start, end: Math.max(a.end, b.end), line: a.line, col: a.col, endLine: b.endLine };
}

export const NO_SPAN: Span = { start: 0, end: 0, line: 0, col: 0, endLine: 0 };
