// Evaluation over saved runs. An eval suite manifest lists cases
// {label, run_path, fixture_path?, compare_to?} relative to `base_dir`:
// each run is checked against its fixture (or its own replay fixture) and,
// with `compare_to`, must not differ from the baseline run. Eval packs
// (eval-packs.ts) build on the same pieces.

import { display } from "../../vm/display.ts";
import { runtimeError } from "../../vm/errors.ts";
import { Dict, type Value } from "../../vm/values.ts";
import type { RecordEnv } from "./artifacts.ts";
import { Fields } from "./record-fields.ts";
import { caseReport, diffRuns, evaluateRun, suiteReport } from "./run-records.ts";

/** Loads saved runs and fixtures (paths already resolved). */
export interface RunFiles {
  resolve(base: string | null, path: string): string;
  loadRun(path: string): Dict;
  loadFixture(path: string): Dict;
  /** The canonical form of a run given inline. */
  normalizeRun(v: Value): Dict;
}

export function normalizeSuiteManifest(v: Value | undefined, env: RecordEnv): Dict {
  const f = Fields.of(v, "eval_suite_manifest");
  return Dict.of({
    _type: f.str("_type") || "eval_suite_manifest",
    id: f.str("id") || `eval_suite_${env.uuid()}`,
    name: f.optStr("name"),
    base_dir: f.optStr("base_dir"),
    cases: f.list("cases").map((c) => {
      const cf = Fields.of(c, "eval_suite_manifest case");
      return Dict.of({
        label: cf.optStr("label"),
        run_path: cf.str("run_path"),
        fixture_path: cf.optStr("fixture_path"),
        compare_to: cf.optStr("compare_to"),
      });
    }),
  });
}

export const text = (d: Dict, k: string): string | null => {
  const v = d.get(k);
  return typeof v === "string" ? v : null;
};
export const dicts = (d: Dict, k: string): Dict[] => {
  const v = d.get(k);
  return Array.isArray(v) ? v.filter((x): x is Dict => x instanceof Dict) : [];
};
const stageChanges = (diff: Dict): number => {
  const v = diff.get("stage_diffs");
  return Array.isArray(v) ? v.length : 0;
};

/** Compares `run` with the baseline at `path`; returns the diff and a failure message when they differ. */
export function compare(files: RunFiles, path: string, run: Dict): { diff: Dict; failure: string | null } {
  const diff = diffRuns(files.loadRun(path), run);
  const failure =
    diff.get("identical") === true
      ? null
      : `run differs from baseline ${path} with ${stageChanges(diff)} stage changes`;
  return { diff, failure };
}

export function ownFixture(run: Dict): Dict {
  const f = run.get("replay_fixture");
  if (!(f instanceof Dict)) throw runtimeError(`run ${display(run.get("id"))} has no replay fixture`);
  return f;
}

export function runSuiteManifest(manifest: Dict, files: RunFiles): Dict {
  const base = text(manifest, "base_dir");
  return suiteReport(
    dicts(manifest, "cases").map((c) => {
      const runPath = files.resolve(base, text(c, "run_path") ?? "");
      const run = files.loadRun(runPath);
      const fixturePath = text(c, "fixture_path");
      const fixture =
        fixturePath === null ? ownFixture(run) : files.loadFixture(files.resolve(base, fixturePath));
      const evaluation = evaluateRun(run, fixture);
      const failures = [...(evaluation.get("failures") as string[])];
      let comparison: Dict | null = null;
      const baseline = text(c, "compare_to");
      if (baseline !== null) {
        const { diff, failure } = compare(files, files.resolve(base, baseline), run);
        comparison = diff;
        if (failure !== null) failures.push(failure);
      }
      return caseReport(run, evaluation, {
        label: text(c, "label"),
        sourcePath: runPath,
        comparison,
        failures,
      });
    }),
  );
}
