// The eleven VM workloads (the reference's perf/vm suite, rewritten as our
// own programs) on every engine, with the checksums compared and the
// ratios and geometric means worked out. Pure data in, data out; printing
// and the JSON file are run.ts's business.

import { REFERENCE_MEAN_MS } from "../reference-baseline.ts";
import { benchHarn, type HarnOutcome, loadHarn } from "./harn-runner.ts";
import { benchJs } from "./js-runner.ts";
import { medianOf, type Outcome } from "./outcome.ts";
import { benchQuickJs, loadQuickJs } from "./quickjs-runner.ts";
import { geometricMean, type RunPlan, round } from "./stats.ts";

export const WORKLOADS = [
  "arithmetic_loop",
  "comparison_loop",
  "dict_property_read",
  "function_call_loop",
  "list_iteration",
  "list_map_filter",
  "local_variable_lookup",
  "method_call_dispatch",
  "recursive_countdown",
  "string_interpolation_loop",
  "struct_field_read",
] as const;

export const PLANS: Readonly<Record<"harn" | "js" | "quickjs", RunPlan>> = {
  harn: { warmup: 2, minRuns: 5, maxRuns: 30, budgetMs: 3000 },
  js: { warmup: 10, minRuns: 30, maxRuns: 500, budgetMs: 300 },
  quickjs: { warmup: 1, minRuns: 3, maxRuns: 20, budgetMs: 2000 },
};

export interface Ratios {
  readonly harnToJs: number | null;
  readonly harnToQuickjs: number | null;
  readonly harnToReference: number | null;
}

export interface WorkloadResult {
  readonly name: string;
  readonly harn: HarnOutcome;
  readonly js: Outcome;
  readonly quickjs: Outcome;
  readonly referenceMeanMs: number | null;
  /** True when every engine that ran printed the same checksum. */
  readonly checksumsAgree: boolean;
  readonly ratios: Ratios;
}

const ratio = (a: number | null, b: number | null): number | null =>
  a === null || b === null || b === 0 ? null : round(a / b, 4);

function checksumsAgree(outcomes: readonly Outcome[]): boolean {
  const sums = outcomes.flatMap((o) => (o.ok ? [o.checksum] : []));
  return sums.every((s) => s === sums[0]);
}

export async function runSuite(
  root: string,
  reuseModule: boolean,
  progress: (text: string) => void,
): Promise<WorkloadResult[]> {
  const harnApi = await loadHarn();
  const quickjs = await loadQuickJs();
  const results: WorkloadResult[] = [];
  for (const name of WORKLOADS) {
    progress(name);
    const harn = await benchHarn(harnApi, `${root}/bench/workloads/${name}.harn`, PLANS.harn, reuseModule);
    const js = await benchJs(`${root}/bench/js/${name}.js`, PLANS.js);
    const qjs = await benchQuickJs(quickjs, `${root}/bench/js/${name}.js`, PLANS.quickjs);
    const reference = REFERENCE_MEAN_MS[name] ?? null;
    const h = medianOf(harn);
    const ratios = {
      harnToJs: ratio(h, medianOf(js)),
      harnToQuickjs: ratio(h, medianOf(qjs)),
      harnToReference: ratio(h, reference),
    };
    const agree = checksumsAgree([harn, js, qjs]);
    results.push({ name, harn, js, quickjs: qjs, referenceMeanMs: reference, checksumsAgree: agree, ratios });
  }
  return results;
}

export interface GeometricMeans {
  /** Workloads where harn-ts, JS and QuickJS all ran; the ms means use only these. */
  readonly workloads: string[];
  readonly harnMs: number | null;
  readonly jsMs: number | null;
  readonly quickjsMs: number | null;
  /** Over the same workloads, minus those with no published reference number. */
  readonly referenceMs: number | null;
  /** Geometric means of the per-workload ratios, over every workload that has the ratio. */
  readonly ratios: Ratios;
}

export function geometricMeans(results: readonly WorkloadResult[]): GeometricMeans {
  const common = results.filter((r) => r.harn.ok && r.js.ok && r.quickjs.ok);
  const withReference = common.filter((r) => r.referenceMeanMs !== null);
  const mean = (values: (number | null)[]): number | null => {
    const g = geometricMean(values);
    return g === null ? null : round(g, 4);
  };
  return {
    workloads: common.map((r) => r.name),
    harnMs: mean(common.map((r) => medianOf(r.harn))),
    jsMs: mean(common.map((r) => medianOf(r.js))),
    quickjsMs: mean(common.map((r) => medianOf(r.quickjs))),
    referenceMs: mean(withReference.map((r) => r.referenceMeanMs)),
    ratios: {
      harnToJs: mean(results.map((r) => r.ratios.harnToJs)),
      harnToQuickjs: mean(results.map((r) => r.ratios.harnToQuickjs)),
      harnToReference: mean(results.map((r) => r.ratios.harnToReference)),
    },
  };
}
