// The result of one workload on one engine: timings plus the checksum the
// program produced, or the reason it could not run. A failure is data, not
// an exception, so one broken workload never aborts the suite.

import type { Timing } from "./stats.ts";

export type Outcome =
  | { readonly ok: true; readonly timing: Timing; readonly checksum: string }
  | { readonly ok: false; readonly error: string };

/** A one-line reason for a failure, short enough for a table cell's note. */
export function failure(error: unknown): Outcome {
  const text = error instanceof Error ? error.message : String(error);
  const line = text.split("\n").find((l) => l.trim() !== "") ?? "unknown error";
  return { ok: false, error: line.length > 160 ? `${line.slice(0, 157)}...` : line };
}

/** Milliseconds of an outcome's median, or null when it failed. */
export function medianOf(outcome: Outcome | undefined): number | null {
  return outcome?.ok ? outcome.timing.medianMs : null;
}
