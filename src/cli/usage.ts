// Usage text and the one-line usage errors (exit code 2).

import { setExitCode, stderr } from "../host/node-process.ts";

export const VERSION = "0.1.0";

export const HELP = `harn ${VERSION} — run Harn programs (TypeScript implementation of Harn v0.7.50)

Usage: harn <command> [options]

Commands:
  run FILE [args...]         Run a program (pipeline default, else the first pipeline, else script mode)
  run --llm-mock JSONL FILE  Run with LLM calls answered by recorded responses, in order
  run --dis FILE             Print the compiled bytecode instead of running
  dis FILE                   Same as run --dis
  parse FILE [--json]        Parse only: report syntax errors, or print the AST with --json
  check FILE                 Parse and run the static checks
  test PATH [--filter S] [--timeout MS] [--junit FILE]
                             Run pipelines named test_* (or marked @test) in a file or directory
  test conformance DIR [SELECTION] [--filter S] [--timeout MS] [--junit FILE] [--verbose] [--timing]
                             Run a conformance folder (.harn with .expected / .error files)
  bench FILE [--iterations N] [--json]
                             Time a program in-process (min/median/max ms)

Options:
  --version                  Print the version
  --help                     Show this help

Environment:
  HARN_JIT=off|on|eager      Compiling tier: off, hot functions only (default), every function
`;

export function usageError(message: string): void {
  stderr.write(`harn: ${message}\n`);
  stderr.flush();
  setExitCode(2);
}
