// One program run under a deadline, shared by the conformance and the user
// test runners. Every run gets a fresh VM (runSource) with its output
// captured in memory; when the deadline passes the run's abort signal
// cancels all of its tasks, and we wait a short grace period for the VM to
// unwind. A run that does not stop even then is left behind and reported as
// timed out (`settled` is false), so one runaway test cannot hang the suite.

import { type RunOutcome, runSource } from "../engine.ts";
import { now } from "../host/node-process.ts";
import type { Vm } from "../vm/vm.ts";

/** How long a cancelled run may take to unwind before we stop waiting. */
const CANCEL_GRACE_MS = 2000;

export interface TimedRunOptions {
  /** Run this pipeline instead of the file's default entry. */
  readonly entry?: string;
  readonly timeoutMs: number;
  /** Where the program's stderr (eprint/eprintln) goes; dropped when absent. */
  readonly errorOutput?: (text: string) => void;
  /** Called with the VM before the program runs. */
  readonly prepare?: (vm: Vm) => void;
}

export type TimedOutcome =
  | RunOutcome
  | { readonly kind: "timeout" }
  /** runSource itself threw: an internal bug, reported rather than crashing the suite. */
  | { readonly kind: "internal"; readonly message: string };

export interface TimedRun {
  readonly outcome: TimedOutcome;
  /** Everything the program wrote to its output sink. */
  readonly output: string;
  readonly durationMs: number;
  /** False when a timed-out run never finished unwinding. */
  readonly settled: boolean;
}

export async function runTimed(source: string, file: string, options: TimedRunOptions): Promise<TimedRun> {
  const chunks: string[] = [];
  const controller = new AbortController();
  const start = now();
  const run: Promise<TimedOutcome> = runSource(
    source,
    file,
    {
      output: (text) => chunks.push(text),
      errorOutput: options.errorOutput ?? (() => {}),
      signal: controller.signal,
      ...(options.prepare && { prepare: options.prepare }),
    },
    options.entry,
  ).catch((e: unknown) => ({ kind: "internal", message: e instanceof Error ? e.message : String(e) }));

  let timer: ReturnType<typeof setTimeout> | undefined;
  const deadline = new Promise<"timeout">((resolve) => {
    timer = setTimeout(() => resolve("timeout"), options.timeoutMs);
  });
  const first = await Promise.race([run, deadline]);
  clearTimeout(timer);
  const durationMs = Math.round(now() - start);
  if (first !== "timeout") return { outcome: first, output: chunks.join(""), durationMs, settled: true };

  controller.abort();
  let grace: ReturnType<typeof setTimeout> | undefined;
  const gave = new Promise<"gave-up">((resolve) => {
    grace = setTimeout(() => resolve("gave-up"), CANCEL_GRACE_MS);
  });
  const settledWith = await Promise.race([run, gave]);
  clearTimeout(grace);
  return {
    outcome: { kind: "timeout" },
    output: chunks.join(""),
    durationMs: options.timeoutMs,
    settled: settledWith !== "gave-up",
  };
}

/** ANSI colouring for the PASS/FAIL labels and the summary line, or none. */
export interface Painter {
  readonly green: (text: string) => string;
  readonly red: (text: string) => string;
}

export function painter(color: boolean): Painter {
  if (!color) return { green: (t) => t, red: (t) => t };
  return { green: (t) => `\x1b[32m${t}\x1b[0m`, red: (t) => `\x1b[31m${t}\x1b[0m` };
}
