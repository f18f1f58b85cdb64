// A static diagnostic and its terminal rendering. The front end returns
// lists of these (it never throws for user errors); the CLI renders them
// as `file:line:col: error HARN1004: message` plus the source line and a
// caret under the offending text.

import { type Code, codeName } from "./messages.ts";
import type { Span } from "./span.ts";

export type Severity = "error" | "warning";

export interface Diagnostic {
  readonly code: Code;
  readonly severity: Severity;
  readonly message: string;
  readonly span: Span;
  /** Optional extra hint printed after the snippet. */
  readonly help?: string;
}

export function errorDiagnostic(code: Code, message: string, span: Span, help?: string): Diagnostic {
  return help === undefined
    ? { code, severity: "error", message, span }
    : { code, severity: "error", message, span, help };
}

/** Number of code points in `text` (columns and caret widths count these). */
function codePointLength(text: string): number {
  let n = 0;
  for (const _ of text) n++;
  return n;
}

/**
 * Render one diagnostic with a caret snippet. `file` is the path shown to
 * the user; `source` is the full text the span points into.
 */
export function renderDiagnostic(d: Diagnostic, file: string, source: string): string {
  const { line, col } = d.span;
  let out = `${file}:${line}:${col}: ${d.severity} ${codeName(d.code)}: ${d.message}\n`;
  const lines = source.split("\n");
  const text = line > 0 ? lines[line - 1] : undefined;
  if (text !== undefined) {
    const gutter = String(line).length;
    const pad = " ".repeat(gutter);
    const width =
      d.span.end > d.span.start && d.span.endLine === d.span.line
        ? Math.max(1, codePointLength(source.slice(d.span.start, d.span.end)))
        : 1;
    out += `${pad} |\n${line} | ${text.replace(/\r$/, "")}\n`;
    out += `${pad} | ${" ".repeat(Math.max(0, col - 1))}${"^".repeat(width)}\n`;
  }
  if (d.help !== undefined) out += `  = help: ${d.help}\n`;
  return out;
}
