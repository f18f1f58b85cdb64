// Rendering of compile diagnostics and uncaught run-time errors for the
// terminal: a one-line message, the file:line:col, and the source line
// with a caret.

import { type Diagnostic, renderDiagnostic } from "../diagnostics/diagnostic.ts";
import { uncaughtMessage } from "../engine.ts";
import type { VmError } from "../vm/errors.ts";

export function renderDiagnostics(diagnostics: readonly Diagnostic[], file: string, source: string): string {
  return diagnostics.map((d) => renderDiagnostic(d, file, source)).join("");
}

export function renderRuntimeError(
  error: VmError,
  fallbackFile: string,
  sources: (file: string) => string | undefined,
): string {
  let out = `error: ${uncaughtMessage(error)}\n`;
  if (error.line > 0) {
    const file = error.file || fallbackFile;
    const col = Math.max(1, error.col);
    out += `  --> ${file}:${error.line}:${col}\n`;
    const text = sources(file)?.split("\n")[error.line - 1];
    if (text !== undefined) {
      const gutter = " ".repeat(String(error.line).length);
      out += `${gutter} |\n${error.line} | ${text}\n${gutter} | ${" ".repeat(col - 1)}^\n`;
    }
  }
  return out;
}
