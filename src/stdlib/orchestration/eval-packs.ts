// Eval packs (`eval_pack` declarations, `eval_pack_manifest`,
// `eval_pack_run`): named fixtures, rubrics of deterministic assertions and
// budget thresholds, per-case severities (blocking, warning,
// informational) and a pack-wide baseline over saved runs. A failure in a
// blocking case fails the pack; warnings and informational findings are
// reported without failing it. Rubrics that need a model as judge are
// reported, not run.

import { display } from "../../vm/display.ts";
import { runtimeError } from "../../vm/errors.ts";
import { Dict, HFloat, type Value } from "../../vm/values.ts";
import type { RecordEnv } from "./artifacts.ts";
import { compare, dicts, ownFixture, type RunFiles, text } from "./eval-suites.ts";
import { Fields, optFloat } from "./record-fields.ts";
import { evaluateRun } from "./run-records.ts";

/** The value of `key` or its dashed alias (`run_path` / `run-path`). */
function aliased(f: Fields, key: string): string | null {
  return f.optStr(key) ?? f.optStr(key.replaceAll("_", "-"));
}

function aliasedNum(f: Fields, key: string): number | null {
  return f.optNum(key) ?? f.optNum(key.replaceAll("_", "-"));
}

function thresholds(v: Value): Dict {
  const f = Fields.of(v, "eval_pack thresholds");
  const int = (k: string): number | null => {
    const n = aliasedNum(f, k);
    return n === null ? null : Math.trunc(n);
  };
  return Dict.of({
    severity: f.optStr("severity"),
    min_score: optFloat(aliasedNum(f, "min_score")),
    min_confidence: optFloat(aliasedNum(f, "min_confidence")),
    max_cost_usd: optFloat(aliasedNum(f, "max_cost_usd")),
    max_latency_ms: int("max_latency_ms"),
    max_tokens: int("max_tokens"),
    max_stage_count: int("max_stage_count"),
  });
}

function normalizeCase(v: Value): Dict {
  const f = Fields.of(v, "eval_pack case");
  return Dict.of({
    id: f.optStr("id"),
    name: f.optStr("name"),
    description: f.optStr("description"),
    run: f.optStr("run"),
    run_path: aliased(f, "run_path"),
    friction_events: aliased(f, "friction_events"),
    fixture: f.optStr("fixture"),
    fixture_path: aliased(f, "fixture_path"),
    compare_to: aliased(f, "compare_to"),
    rubrics: f.strList("rubrics"),
    severity: f.optStr("severity"),
    thresholds: thresholds(f.raw("thresholds")),
    metadata: f.dict("metadata"),
  });
}

function normalizeRubric(v: Value): Dict {
  const f = Fields.of(v, "eval_pack rubric");
  return Dict.of({
    id: f.str("id"),
    kind: f.str("kind"),
    description: f.optStr("description"),
    prompt: f.optStr("prompt"),
    assertions: f.list("assertions").map((a) => {
      const af = Fields.of(a, "eval_pack assertion");
      return Dict.of({
        kind: af.str("kind"),
        stage: af.optStr("stage"),
        path: af.optStr("path"),
        op: af.optStr("op"),
        expected: af.raw("expected"),
        contains: af.optStr("contains"),
        metadata: af.dict("metadata"),
      });
    }),
    judge: f.raw("judge"),
    calibration: f.list("calibration"),
    thresholds: thresholds(f.raw("thresholds")),
    metadata: f.dict("metadata"),
  });
}

function normalizeFixtureRef(v: Value): Dict {
  const f = Fields.of(v, "eval_pack fixture");
  return Dict.of({
    id: f.str("id"),
    kind: f.str("kind"),
    path: f.optStr("path"),
    trace_id: aliased(f, "trace_id"),
    provider: f.optStr("provider"),
    event_kind: aliased(f, "event_kind"),
    inline: f.raw("inline"),
    metadata: f.dict("metadata"),
  });
}

export function normalizePackManifest(v: Value | undefined, env: RecordEnv): Dict {
  const f = Fields.of(v, "eval_pack_manifest");
  const name = f.optStr("name");
  const defaults = Fields.of(f.raw("defaults"), "eval_pack defaults");
  const version = f.optInt("version");
  return Dict.of({
    version: version === null || version === 0 ? 1 : version,
    id: f.str("id") || (name !== null && name.trim() !== "" ? name : `eval_pack_${env.uuid()}`),
    name,
    description: f.optStr("description"),
    base_dir: f.optStr("base_dir"),
    baseline: f.optStr("baseline"),
    package: f.raw("package"),
    defaults: Dict.of({
      severity: defaults.optStr("severity"),
      fixture_root: aliased(defaults, "fixture_root"),
      thresholds: thresholds(defaults.raw("thresholds")),
      judge: defaults.raw("judge"),
    }),
    fixtures: f.list("fixtures").map(normalizeFixtureRef),
    rubrics: f.list("rubrics").map(normalizeRubric),
    judge: f.raw("judge"),
    cases: f.list("cases").map(normalizeCase),
    metadata: f.dict("metadata"),
  });
}

function severityOf(raw: string | null): "blocking" | "warning" | "informational" {
  const s = (raw ?? "blocking").trim().toLowerCase();
  if (s === "warn" || s === "warning") return "warning";
  if (s === "info" || s === "informational") return "informational";
  return "blocking";
}

function usageNumber(run: Dict, key: string): number {
  const u = run.get("usage");
  const v = u instanceof Dict ? u.get(key) : null;
  return typeof v === "number" ? v : v instanceof HFloat ? v.v : 0;
}

function applyThresholds(run: Dict, t: Value, failures: string[]): void {
  if (!(t instanceof Dict)) return;
  const n = (k: string): number | null => {
    const v = t.get(k);
    return typeof v === "number" ? v : v instanceof HFloat ? v.v : null;
  };
  const stages = dicts(run, "stages").length;
  const maxStages = n("max_stage_count");
  if (maxStages !== null && stages > maxStages)
    failures.push(`stage count ${stages} exceeds threshold ${maxStages}`);
  const maxLatency = n("max_latency_ms");
  const latency = usageNumber(run, "total_duration_ms");
  if (maxLatency !== null && latency > maxLatency) {
    failures.push(`latency ${latency}ms exceeds threshold ${maxLatency}ms`);
  }
  const maxCost = n("max_cost_usd");
  const cost = usageNumber(run, "total_cost");
  if (maxCost !== null && cost > maxCost) {
    failures.push(`cost $${cost.toFixed(6)} exceeds threshold $${maxCost.toFixed(6)}`);
  }
  const maxTokens = n("max_tokens");
  const tokens = usageNumber(run, "input_tokens") + usageNumber(run, "output_tokens");
  if (maxTokens !== null && tokens > maxTokens)
    failures.push(`token count ${tokens} exceeds threshold ${maxTokens}`);
}

function applyAssertion(rubricId: string, a: Dict, run: Dict, failures: string[]): void {
  const kind = text(a, "kind") ?? "";
  const stages = dicts(run, "stages");
  const stageId = text(a, "stage");
  const expected = text(a, "expected");
  const needle = text(a, "contains");
  switch (kind.replaceAll("-", "_")) {
    case "run_status":
    case "status":
      if (expected !== null && text(run, "status") !== expected) {
        failures.push(
          `rubric '${rubricId}' expected run status ${expected}, got ${text(run, "status") ?? ""}`,
        );
      }
      return;
    case "stage_status": {
      if (stageId === null)
        return void failures.push(`rubric '${rubricId}' stage-status assertion missing stage`);
      if (expected === null) {
        return void failures.push(`rubric '${rubricId}' stage-status assertion missing expected string`);
      }
      const stage = stages.find((s) => text(s, "node_id") === stageId);
      if (!stage) failures.push(`rubric '${rubricId}' expected stage ${stageId} to exist`);
      else if (text(stage, "status") !== expected) {
        failures.push(
          `rubric '${rubricId}' expected stage ${stageId} status ${expected}, got ${text(stage, "status") ?? ""}`,
        );
      }
      return;
    }
    case "visible_text_contains": {
      if (needle === null)
        return void failures.push(`rubric '${rubricId}' visible-text assertion missing contains`);
      const candidates = stageId === null ? stages : stages.filter((s) => text(s, "node_id") === stageId);
      if (!candidates.some((s) => (text(s, "visible_text") ?? "").includes(needle))) {
        failures.push(`rubric '${rubricId}' expected visible text to contain ${JSON.stringify(needle)}`);
      }
      return;
    }
    case "hitl_question_contains": {
      if (needle === null) return void failures.push(`rubric '${rubricId}' HITL assertion missing contains`);
      if (!dicts(run, "hitl_questions").some((q) => (text(q, "prompt") ?? "").includes(needle))) {
        failures.push(`rubric '${rubricId}' expected HITL question to contain ${JSON.stringify(needle)}`);
      }
      return;
    }
    case "":
      return;
    default:
      failures.push(`rubric '${rubricId}' has unsupported assertion kind '${kind}'`);
  }
}

function applyRubric(rubric: Dict, run: Dict, failures: string[], warnings: string[]): void {
  const id = text(rubric, "id") ?? "";
  const kind = text(rubric, "kind") ?? "";
  if (["", "deterministic", "replay", "budget", "hitl", "side-effect"].includes(kind)) {
    applyThresholds(run, rubric.get("thresholds"), failures);
    for (const a of dicts(rubric, "assertions")) applyAssertion(id, a, run, failures);
    return;
  }
  if (kind === "llm-judge" || kind === "llm_as_judge" || kind === "judge") {
    const t = rubric.get("thresholds");
    const severity = severityOf(t instanceof Dict ? text(t, "severity") : null);
    const message = `rubric '${id}' requires an external LLM judge and was not run locally`;
    (severity === "blocking" ? failures : warnings).push(message);
    return;
  }
  warnings.push(`rubric '${id}' has unknown kind '${kind}' and was not run locally`);
}

export function runPack(manifest: Dict, files: RunFiles): Dict {
  const base = text(manifest, "base_dir");
  const defaults = manifest.get("defaults") as Dict;
  const root = text(defaults, "fixture_root");
  const fixtureBase = root === null ? base : files.resolve(base, root);
  const fixtures = new Map(dicts(manifest, "fixtures").map((x) => [text(x, "id") ?? "", x]));
  const rubrics = new Map(dicts(manifest, "rubrics").map((x) => [text(x, "id") ?? "", x]));
  const defaultThresholds = defaults.get("thresholds") as Dict;
  const reports = dicts(manifest, "cases").map((c, index) => {
    const caseId = text(c, "id")?.trim() || `case_${index + 1}`;
    const label = text(c, "name") ?? text(c, "id") ?? caseId;
    const caseThresholds = c.get("thresholds") as Dict;
    const severity = severityOf(
      text(c, "severity") ??
        text(caseThresholds, "severity") ??
        text(defaults, "severity") ??
        text(defaultThresholds, "severity"),
    );
    const blocking = severity === "blocking";
    const failures: string[] = [];
    const warnings: string[] = [];
    let informational: string[] = [];
    if (text(c, "friction_events") !== null)
      throw runtimeError("eval_pack_run: friction event cases are not supported yet");
    const runRef = text(c, "run") ?? text(c, "run_path");
    if (runRef === null) throw runtimeError("eval pack case is missing run or run_path");
    const runFixture = fixtures.get(runRef);
    const runPath = runFixture
      ? files.resolve(fixtureBase, text(runFixture, "path") ?? "")
      : files.resolve(base, runRef);
    const inline = runFixture?.get("inline");
    const run = inline instanceof Dict ? files.normalizeRun(inline) : files.loadRun(runPath);
    const fixtureRef = text(c, "fixture") ?? text(c, "fixture_path");
    let fixture: Dict;
    if (fixtureRef === null) fixture = ownFixture(run);
    else {
      const ref = fixtures.get(fixtureRef);
      const inlineFixture = ref?.get("inline");
      fixture =
        inlineFixture instanceof Dict
          ? inlineFixture
          : files.loadFixture(
              ref ? files.resolve(fixtureBase, text(ref, "path") ?? "") : files.resolve(base, fixtureRef),
            );
    }
    const evaluation = evaluateRun(run, fixture);
    failures.push(...(evaluation.get("failures") as string[]));
    applyThresholds(run, defaultThresholds, failures);
    applyThresholds(run, caseThresholds, failures);
    let comparison: Dict | null = null;
    const baseline = text(c, "compare_to") ?? text(manifest, "baseline");
    if (baseline !== null) {
      const { diff, failure } = compare(files, files.resolve(base, baseline), run);
      comparison = diff;
      if (failure !== null) failures.push(failure);
    }
    for (const rubricId of (c.get("rubrics") as Value[]).map(display)) {
      const rubric = rubrics.get(rubricId);
      if (rubric === undefined) failures.push(`case references unknown rubric '${rubricId}'`);
      else applyRubric(rubric, run, failures, warnings);
    }
    const pass = failures.length === 0 || !blocking;
    if (!blocking && failures.length > 0) {
      if (severity === "warning") warnings.push(...failures.splice(0));
      else informational = failures.splice(0);
    }
    return Dict.of({
      id: caseId,
      label,
      severity,
      pass,
      blocking,
      run_id: run.get("id"),
      workflow_id: run.get("workflow_id"),
      source_path: inline instanceof Dict ? null : runPath,
      stage_count: evaluation.get("stage_count"),
      failures,
      warnings,
      informational,
      comparison,
    });
  });
  const failedWith = (key: string, onlyBlocking: boolean): number =>
    reports.filter((r) => (!onlyBlocking || r.get("blocking") === true) && (r.get(key) as Value[]).length > 0)
      .length;
  const passed = reports.filter((r) => r.get("pass") === true).length;
  const blockingFailed = failedWith("failures", true);
  return Dict.of({
    pack_id: manifest.get("id"),
    pass: blockingFailed === 0,
    total: reports.length,
    passed,
    failed: reports.length - passed,
    blocking_failed: blockingFailed,
    warning_failed: failedWith("warnings", false),
    informational_failed: failedWith("informational", false),
    cases: reports,
  });
}
