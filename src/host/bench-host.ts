// Host services for `harn bench`: the process's resident memory, now and at
// its peak, so a benchmark can report what a run cost in memory as well as
// time. Kept apart from node-process.ts because only the bench command
// needs them.

import process from "node:process";

const MIB = 1024 * 1024;

/** Resident set size now, in MiB. */
export function currentRssMib(): number {
  return process.memoryUsage.rss() / MIB;
}

/** The highest resident set size this process has reached so far, in MiB. */
export function peakRssMib(): number {
  // resourceUsage().maxRSS is in KiB on every platform Node supports.
  return process.resourceUsage().maxRSS / 1024;
}

/** Runs a full garbage collection when node was started with --expose-gc. */
export function collectGarbage(): void {
  const gc = (globalThis as { gc?: () => void }).gc;
  gc?.();
}
