// `harn parse FILE [--json]`: syntax only. Exit 1 with diagnostics on a
// syntax error; exit 0 (and the AST as JSON with --json) otherwise.

import { setExitCode, stderr, stdout } from "../host/node-process.ts";
import { parse } from "../syntax/parser.ts";
import { renderDiagnostics } from "./render.ts";
import { readSourceOrFail } from "./run.ts";

function jsonReplacer(_key: string, value: unknown): unknown {
  return typeof value === "bigint" ? value.toString() : value;
}

export function parseCommand(args: string[]): void {
  const json = args.includes("--json");
  const file = args.find((a) => !a.startsWith("--"));
  const source = readSourceOrFail(file, "parse");
  if (source === undefined || file === undefined) return;
  const result = parse(source);
  if (result.diagnostics.length > 0) {
    stderr.write(renderDiagnostics(result.diagnostics, file, source));
    stderr.flush();
    setExitCode(1);
    return;
  }
  if (json) stdout.write(`${JSON.stringify(result.program, jsonReplacer, 2)}\n`);
  stdout.flush();
}
