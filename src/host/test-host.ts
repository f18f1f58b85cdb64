// Host services the `harn test` runners need beyond plain file reading:
// scoped environment variables (the runners set HARN_LLM_CALLS_DISABLED for
// the duration of a suite), writing the JUnit report, deciding whether to
// colour the terminal output, and a hard exit for the rare run that ignores
// cancellation. Kept apart from node-process.ts so the runners' needs are
// visible in one place.

import { writeFileSync } from "node:fs";
import process from "node:process";

/**
 * Set environment variables and return a function that restores their
 * previous values (or removes them when they were unset). `onlyIfUnset`
 * names variables that keep an existing value.
 */
export function setEnvScoped(vars: Record<string, string>, onlyIfUnset: readonly string[] = []): () => void {
  const previous = new Map<string, string | undefined>();
  for (const [name, value] of Object.entries(vars)) {
    if (onlyIfUnset.includes(name) && process.env[name] !== undefined) continue;
    previous.set(name, process.env[name]);
    process.env[name] = value;
  }
  return () => {
    for (const [name, value] of previous) {
      if (value === undefined) delete process.env[name];
      else process.env[name] = value;
    }
  };
}

/** Write a whole text file (UTF-8), replacing it. Throws on I/O errors. */
export function writeTextFile(file: string, text: string): void {
  writeFileSync(file, text, "utf8");
}

/** True when stdout is a terminal and NO_COLOR is unset: colour the PASS/FAIL labels. */
export function stdoutWantsColor(): boolean {
  return process.stdout.isTTY === true && !process.env["NO_COLOR"];
}

/** End the process now (after the caller flushed its output). */
export function exitNow(code: number): never {
  process.exit(code);
}
