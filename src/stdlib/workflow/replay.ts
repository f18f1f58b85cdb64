// Deterministic replay (spec: "Workflow replay"): with `replay_run` (or
// `replay_path`) and `replay_mode: "deterministic"`, each node takes the
// next stage of the recorded run instead of running: same status,
// outcome, branch, artifacts, transcript and verification. The recorded
// stages must come in the same node order, or the replay stops with an
// error naming the mismatch.

import { runtimeError } from "../../vm/errors.ts";
import { Dict, type Value } from "../../vm/values.ts";
import { dict, str } from "./shape.ts";
import type { ExecutedStage } from "./stage-run.ts";
import { emptyUsage } from "./usage.ts";

const RESULT_KEYS = [
  "worker",
  "prompt",
  "system_prompt",
  "rendered_context",
  "verification_contracts",
  "rendered_verification_context",
  "selected_artifact_ids",
  "selected_artifact_titles",
  "tools",
];

const dicts = (d: Dict, k: string): Dict[] => {
  const v = d.get(k);
  return Array.isArray(v) ? v.filter((x): x is Dict => x instanceof Dict) : [];
};

/** The next recorded stage as this node's execution (consumes it from `stages`). */
export function replayStage(current: string, stages: Dict[] | null): ExecutedStage {
  if (stages === null) throw runtimeError("replay_mode requires replay_run or replay_path");
  const stage = stages.shift();
  if (stage === undefined) throw runtimeError(`workflow replay exhausted before node ${current}`);
  const node = str(stage, "node_id") ?? "";
  if (node !== current) {
    throw runtimeError(`workflow replay mismatch: expected node ${current}, next replay stage is ${node}`);
  }
  const metadata = dict(stage, "metadata");
  const result = new Map<string, Value>([
    ["status", stage.get("status")],
    ["visible_text", stage.get("visible_text")],
    ["private_reasoning", stage.get("private_reasoning")],
  ]);
  for (const key of RESULT_KEYS) if (metadata.get(key) !== null) result.set(key, metadata.get(key));
  const transcript = stage.get("transcript");
  const usage = stage.get("usage");
  return {
    status: str(stage, "status") ?? "completed",
    outcome: str(stage, "outcome") ?? "",
    branch: str(stage, "branch"),
    result: new Dict(result),
    artifacts: dicts(stage, "artifacts"),
    transcript: transcript instanceof Dict ? transcript : null,
    verification: stage.get("verification"),
    usage: usage instanceof Dict ? usage : emptyUsage(),
    error: str(metadata, "error"),
    attempts: dicts(stage, "attempts"),
    consumedArtifactIds: (Array.isArray(stage.get("consumed_artifact_ids"))
      ? (stage.get("consumed_artifact_ids") as Value[])
      : []
    ).map((x) => String(x)),
  };
}
