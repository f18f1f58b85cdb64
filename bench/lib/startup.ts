// Start-up cost: `node bin/harn.mjs run bench/hello.harn` against
// `node -e 0`, each spawned 20 times (interleaved, so drift in machine
// load hits both alike), median wall time from spawn to exit.

import { spawnSync } from "node:child_process";
import { failure, type Outcome } from "./outcome.ts";
import { summarize } from "./stats.ts";

const RUNS = 20;

export interface StartupResult {
  readonly harn: Outcome;
  readonly node: Outcome;
}

function timeSpawn(args: readonly string[]): { ms: number; stdout: string; error?: string } {
  const started = performance.now();
  const child = spawnSync(process.execPath, args, { encoding: "utf8", timeout: 30_000 });
  const ms = performance.now() - started;
  const error =
    child.error?.message ?? (child.status !== 0 ? child.stderr || `exit ${child.status}` : undefined);
  return error === undefined ? { ms, stdout: child.stdout } : { ms, stdout: child.stdout, error };
}

export function benchStartup(root: string): StartupResult {
  const harnArgs = [`${root}/bin/harn.mjs`, "run", `${root}/bench/hello.harn`];
  const harnSamples: number[] = [];
  const nodeSamples: number[] = [];
  let checksum = "";
  for (let i = 0; i < RUNS; i++) {
    const harn = timeSpawn(harnArgs);
    if (harn.error !== undefined) return { harn: failure(harn.error), node: failure("not run") };
    checksum = harn.stdout.trim();
    harnSamples.push(harn.ms);
    nodeSamples.push(timeSpawn(["-e", "0"]).ms);
  }
  return {
    harn: { ok: true, timing: summarize(harnSamples), checksum },
    node: { ok: true, timing: summarize(nodeSamples), checksum: "" },
  };
}
