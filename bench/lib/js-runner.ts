// Times the plain-JavaScript twins in this process's V8. A twin is a
// script that defines `run()` and returns the checksum; it is compiled once
// with `new Function`, so repeated calls reuse V8's optimised code the way
// a long-running Node program would.

import { readFileSync } from "node:fs";
import { failure, type Outcome } from "./outcome.ts";
import { type RunPlan, sample, summarize } from "./stats.ts";

export async function benchJs(file: string, plan: RunPlan): Promise<Outcome> {
  try {
    const source = readFileSync(file, "utf8");
    const run = new Function(`${source}\nreturn run;`)() as () => unknown;
    let checksum: string | undefined;
    const samples = await sample(plan, () => {
      const started = performance.now();
      const value = run();
      const ms = performance.now() - started;
      checksum ??= String(value);
      if (String(value) !== checksum) throw new Error(`result changed between runs: ${String(value)}`);
      return ms;
    });
    return { ok: true, timing: summarize(samples), checksum: checksum ?? "" };
  } catch (error) {
    return failure(error);
  }
}
