// `harn check FILE`: parse, compile and run the static checks that exist;
// prints diagnostics and exits 1 when there is an error.

import { compileSource } from "../engine.ts";
import { setExitCode, stderr, stdout } from "../host/node-process.ts";
import { renderDiagnostics } from "./render.ts";
import { readSourceOrFail } from "./run.ts";

export function checkCommand(args: string[]): void {
  const file = args.find((a) => !a.startsWith("--"));
  const source = readSourceOrFail(file, "check");
  if (source === undefined || file === undefined) return;
  const out = compileSource(source, file);
  if (out.diagnostics.length > 0) {
    stderr.write(renderDiagnostics(out.diagnostics, file, source));
    stderr.flush();
    setExitCode(1);
    return;
  }
  stdout.write(`${file}: ok\n`);
  stdout.flush();
}
