// The concurrency workloads, each in its own child process so its peak
// resident memory is its own: the .harn program through
// `harn bench --json` and its JavaScript twin through js-child.mjs. Wall
// time is the median of the in-process timed runs (after one warm-up).

import { spawnSync } from "node:child_process";
import { failure, type Outcome } from "./outcome.ts";
import { round, summarize } from "./stats.ts";

export const CONCURRENCY_ITERATIONS = 5;
const TIMEOUT_MS = 60_000;

export type MemoryOutcome = Outcome & { readonly startRssMib?: number; readonly peakRssMib?: number };

interface ChildReport {
  readonly samplesMs: number[];
  readonly startRssMib: number;
  readonly peakRssMib: number;
  readonly output: string;
}

function runChild(args: readonly string[]): MemoryOutcome {
  const child = spawnSync(process.execPath, args, { encoding: "utf8", timeout: TIMEOUT_MS });
  if (child.error) return failure(child.error.message);
  if (child.status !== 0) {
    const message = child.stderr.split("\n").find((l) => l.trim() !== "");
    return failure(message?.replace(/^error: /, "") ?? `exit code ${child.status}`);
  }
  try {
    const report = JSON.parse(child.stdout) as ChildReport;
    return {
      ok: true,
      timing: summarize(report.samplesMs),
      checksum: report.output.trim(),
      startRssMib: round(report.startRssMib, 1),
      peakRssMib: round(report.peakRssMib, 1),
    };
  } catch (error) {
    return failure(`unreadable child report: ${String(error)}`);
  }
}

export interface ConcurrencyResult {
  readonly name: string;
  readonly harn: MemoryOutcome;
  readonly js: MemoryOutcome;
}

const WORKLOADS = ["parallel_each_sleep", "spawn_await"] as const;

/** Every concurrency workload, on harn-ts and on node. */
export function runConcurrency(root: string, progress: (text: string) => void): ConcurrencyResult[] {
  return WORKLOADS.map((name) => {
    progress(name);
    const harn = benchHarnChild(root, `${root}/bench/concurrency/${name}.harn`);
    return { name, harn, js: benchJsChild(root, `${root}/bench/js/concurrency/${name}.js`) };
  });
}

function benchHarnChild(root: string, file: string): MemoryOutcome {
  return runChild([
    `${root}/bin/harn.mjs`,
    "bench",
    file,
    "--iterations",
    String(CONCURRENCY_ITERATIONS),
    "--json",
  ]);
}

function benchJsChild(root: string, file: string): MemoryOutcome {
  return runChild([`${root}/bench/lib/js-child.mjs`, file, String(CONCURRENCY_ITERATIONS)]);
}
