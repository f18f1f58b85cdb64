// Child runs of a workflow run: each delegated worker a stage started is
// recorded in `run.child_runs` (its id, name, status, sessions, request,
// provenance and the path of the run it produced). The worker's handle is
// kept in the stage's `metadata.worker`, so a record that lacks the child
// entry can be completed from its stages.

import { Dict, type Value } from "../../vm/values.ts";

const text = (d: Dict, k: string): string | null => {
  const v = d.get(k);
  return typeof v === "string" ? v : null;
};

/** The child-run record of the worker handle `worker`, started by stage `parentStageId`. */
export function childRunFromWorker(parentStageId: string | null, worker: Value): Dict | null {
  if (!(worker instanceof Dict)) return null;
  const id = text(worker, "id");
  if (id === null || id === "") return null;
  const audit = worker.get("audit") instanceof Dict ? (worker.get("audit") as Dict) : new Dict();
  return Dict.of({
    worker_id: id,
    worker_name: text(worker, "name") ?? "worker",
    parent_stage_id: parentStageId,
    session_id: text(audit, "session_id"),
    parent_session_id: text(audit, "parent_session_id"),
    mutation_scope: text(audit, "mutation_scope"),
    approval_policy: audit.get("approval_policy"),
    task: text(worker, "task") ?? "",
    request: worker.get("request"),
    provenance: worker.get("provenance"),
    status: text(worker, "status") ?? "completed",
    started_at: text(worker, "started_at") ?? "",
    finished_at: text(worker, "finished_at"),
    run_id: text(worker, "child_run_id"),
    run_path: text(worker, "child_run_path"),
    snapshot_path: text(worker, "snapshot_path"),
    execution: worker.get("execution"),
  });
}

const empty = (v: Value): boolean => v === null || v === "";

/** `run` with a child-run entry for every stage's worker (existing entries only gain missing fields). */
export function materializeChildRuns(run: Dict): Dict {
  const stagesValue = run.get("stages");
  const stages = Array.isArray(stagesValue) ? stagesValue : [];
  const existing = run.get("child_runs");
  const children = (Array.isArray(existing) ? existing : []).map((c) => c);
  let changed = false;
  for (const stage of stages) {
    if (!(stage instanceof Dict)) continue;
    const metadata = stage.get("metadata");
    const stageId = text(stage, "id");
    const child = childRunFromWorker(
      stageId === "" ? null : stageId,
      metadata instanceof Dict ? metadata.get("worker") : null,
    );
    if (child === null) continue;
    changed = true;
    const i = children.findIndex((c) => c instanceof Dict && c.get("worker_id") === child.get("worker_id"));
    if (i < 0) {
      children.push(child);
      continue;
    }
    const current = children[i] as Dict;
    const merged = new Map(current.map);
    for (const key of child.keys()) if (empty(merged.get(key) ?? null)) merged.set(key, child.get(key));
    children[i] = new Dict(merged);
  }
  return changed ? run.with("child_runs", children) : run;
}
