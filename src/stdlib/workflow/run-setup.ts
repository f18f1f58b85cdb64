// How a workflow run starts: the run record's identity and lineage
// (parent and root runs), the metadata describing how it was started
// (policy, validation, trigger event and trace id, replay source, worker
// parents) and the mutation-session audit record.

import { dispatchContextOf } from "../../runtime/triggers/dispatch-context.ts";
import { display } from "../../vm/display.ts";
import { Dict, type Value } from "../../vm/values.ts";
import type { WorkflowRun } from "./execute.ts";
import { recordData, type RunState } from "./run-state.ts";
import { str } from "./shape.ts";
import { reportValue, type validateWorkflow } from "./validate.ts";

/** A string option, or null when missing, nil or empty. */
export function optionText(options: Dict, key: string): string | null {
  const v = options.get(key);
  if (v === null) return null;
  const s = display(v);
  return s === "" || s === "nil" ? null : s;
}

export function configureRun(
  run: RunState,
  input: WorkflowRun,
  report: ReturnType<typeof validateWorkflow>,
  resumed: boolean,
  replayMode: string | null,
  replaySource: RunState | null,
): void {
  const { graph: g, options, task, site } = input;
  const parentRunId = optionText(options, "parent_run_id");
  run.workflowId = g.id;
  run.workflowName = g.name;
  run.task = task;
  run.status = "running";
  run.parentRunId = parentRunId ?? run.parentRunId;
  run.rootRunId ??= optionText(options, "root_run_id") ?? parentRunId ?? run.id;
  if (run.execution === null && options.get("execution") !== null)
    run.execution = recordData(options.get("execution"));
  if (run.transcript === null && options.get("transcript") instanceof Dict)
    run.transcript = options.get("transcript");
  const m = run.metadata;
  m.set("effective_policy", run.policy);
  for (const key of ["parent_worker_id", "parent_stage_id"]) {
    const v = optionText(options, key);
    if (v !== null) m.set(key, v);
  }
  if (options.get("delegated") === true) m.set("delegated", true);
  if (run.parentRunId !== null) m.set("parent_run_id", run.parentRunId);
  if (run.rootRunId !== null) m.set("root_run_id", run.rootRunId);
  if (run.execution !== null) m.set("execution", run.execution);
  m.set("mutation_session", mutationSession(run, options));
  if (g.metadata.keys().length > 0) m.set("workflow_metadata", recordData(g.metadata));
  const dispatch = site.owner === null ? null : dispatchContextOf(site.owner);
  const trigger =
    options.get("trigger_event") instanceof Dict
      ? (options.get("trigger_event") as Dict)
      : (dispatch?.event ?? null);
  if (trigger !== null) {
    m.set("trigger_event", recordData(trigger));
    m.set("trace_id", trigger.get("trace_id") ?? dispatch?.traceId ?? null);
  }
  if (dispatch?.replayOfEventId) m.set("replay_of_event_id", dispatch.replayOfEventId);
  m.set("workflow_version", g.version);
  m.set("validation", reportValue(report));
  m.set("resumed", resumed && run.stages.length > 0);
  if (replayMode !== null) m.set("replay_mode", replayMode);
  if (replaySource !== null) m.set("replayed_from", replaySource.id);
}

/** The audit record of what the run may change (`audit` option fields win). */
function mutationSession(run: RunState, options: Dict): Dict {
  const audit = options.get("audit") instanceof Dict ? (options.get("audit") as Dict) : new Dict();
  const adapter = run.execution instanceof Dict ? str(run.execution, "adapter") : null;
  const scope =
    str(audit, "mutation_scope") ??
    optionText(options, "mutation_scope") ??
    (adapter === "worktree" ? "apply_worktree" : "read_only");
  const approval = audit.get("approval_policy") ?? options.get("approval_policy");
  return new Dict(
    new Map<string, Value>([
      ...audit.map,
      ["run_id", run.id],
      ["execution_kind", "workflow"],
      ["mutation_scope", scope],
      ["approval_policy", approval === null ? null : recordData(approval)],
    ]),
  );
}
