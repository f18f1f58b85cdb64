// Running one node of a workflow (spec: "Workflow stages"). Control nodes
// need no model: `fork` and `join` pass through, `condition` tests the
// selected artifacts (`metadata.contains_text`, `metadata.artifact_kind`,
// else "any input"), `reduce` concatenates texts, `escalation` emits a
// plan artifact for a human queue, `map` fans out (map-branches.ts).
// `subagent` nodes run as a delegated worker; every other kind is a model
// stage (stage-node.ts) whose own checks decide its outcome. A stage runs
// once: a failure becomes a `failed` stage with its error, and iteration
// is expressed by loop-back edges in the graph.

import { Dict, type Value } from "../../vm/values.ts";
import { parseContextPolicy, selectArtifacts } from "../orchestration/artifacts.ts";
import { errorText } from "../../llm/agent/callbacks.ts";
import { nowStamp } from "./graph.ts";
import {
  artifactFromValue,
  completionTarget,
  mapRunsStage,
  mapStageNode,
  mapWorkItems,
  runJoined,
  type WorkItem,
} from "./map-branches.ts";
import { dict, int, str, strs } from "./shape.ts";
import { executeStageNode, type StageOutput } from "./stage-node.ts";
import type { StageSite } from "./stage-site.ts";
import { emptyUsage, mergeUsage, usageDelta, usageSnapshot } from "./usage.ts";
import { classifyOutcome, evaluateVerification } from "./verification.ts";

export interface ExecutedStage {
  readonly status: string;
  readonly outcome: string;
  readonly branch: string | null;
  readonly result: Dict;
  readonly artifacts: Dict[];
  readonly transcript: Dict | null;
  readonly verification: Value;
  readonly usage: Dict;
  readonly error: string | null;
  readonly attempts: Dict[];
  readonly consumedArtifactIds: string[];
}

/** Runs a `subagent` node as a delegated worker (installed by the worker integration). */
export type Delegate = (
  site: StageSite,
  nodeId: string,
  node: Dict,
  task: string,
  artifacts: readonly Dict[],
  transcript: Dict | null,
) => Promise<StageOutput>;

interface Attempt {
  readonly result: Dict;
  readonly produced: Dict[];
  readonly transcript: Dict | null;
  readonly outcome: string;
  readonly branch: string | null;
  readonly verification: Value;
}

const completed = (text: string): Dict => Dict.of({ status: "completed", text });

function condition(node: Dict, artifacts: readonly Dict[]): boolean {
  const metadata = dict(node, "metadata");
  const needle = str(metadata, "contains_text");
  if (needle !== null) return artifacts.some((a) => (str(a, "text") ?? "").includes(needle));
  const kind = str(metadata, "artifact_kind");
  if (kind !== null) return artifacts.some((a) => a.get("kind") === kind);
  return artifacts.length > 0;
}

function itemIndex(item: WorkItem): number {
  return item.index;
}

interface BranchResult {
  readonly index: number;
  readonly status: string;
  readonly result: Dict;
  readonly artifacts: Dict[];
  readonly usage: Dict;
  readonly error: string | null;
}

async function runMap(
  site: StageSite,
  delegate: Delegate,
  task: string,
  nodeId: string,
  node: Dict,
  artifacts: readonly Dict[],
  transcript: Dict | null,
): Promise<Attempt> {
  const items = mapWorkItems(node, artifacts);
  const total = items.length;
  const template = mapRunsStage(node) ? mapStageNode(node) : null;
  const lineage: Value[] = items.flatMap((i) => (i.kind === "artifact" ? [i.artifact.get("id")] : []));
  const join = dict(node, "join_policy");
  const strategy = str(join, "strategy") || "all";
  const outputKind =
    str(dict(node, "map_policy"), "output_kind") ??
    strs(dict(node, "output_contract"), "output_kinds")[0] ??
    "artifact";
  const branch =
    (item: WorkItem) =>
    async (signal: AbortSignal): Promise<BranchResult> => {
      const index = itemIndex(item);
      const title = `map ${nodeId} item ${index + 1}`;
      if (template === null) {
        const artifact =
          item.kind === "artifact"
            ? artifactFromValue(
                site.records,
                nodeId,
                outputKind,
                index,
                item.artifact.get("data") ?? item.artifact.get("text"),
                [item.artifact.get("id")],
                title,
              )
            : artifactFromValue(site.records, nodeId, outputKind, index, item.value, lineage, title);
        return {
          index,
          status: "completed",
          result: completed(str(artifact, "text") ?? ""),
          artifacts: [artifact],
          usage: emptyUsage(),
          error: null,
        };
      }
      const input =
        item.kind === "artifact"
          ? item.artifact
          : artifactFromValue(site.records, nodeId, item.artifactKind, index, item.value, lineage, title);
      const executed = await executeStage(
        { ...site, signal },
        delegate,
        `${task}\n\nMap item ${index + 1} of ${Math.max(total, 1)}`,
        `${nodeId}_map_${index + 1}`,
        template,
        [input],
        transcript,
      );
      return {
        index,
        status: executed.status,
        result: executed.result,
        artifacts: executed.artifacts,
        usage: executed.usage,
        error: executed.error,
      };
    };
  const outcomes = await runJoined(
    items.map(branch),
    completionTarget(strategy, total, int(join, "min_completed")),
    int(dict(node, "map_policy"), "max_concurrent"),
  );
  const done: Value[] = [];
  const failures: Value[] = [];
  const produced: Dict[] = [];
  for (const o of outcomes) {
    if ("error" in o) {
      failures.push(Dict.of({ status: "failed", error: errorText(o.error) }));
      continue;
    }
    const b = o.ok;
    if (b.status === "completed" && b.error === null) {
      produced.push(...b.artifacts);
      done.push(
        Dict.of({ index: b.index, status: b.status, result: b.result, artifact_count: b.artifacts.length }),
      );
    } else {
      failures.push(Dict.of({ index: b.index, status: b.status, error: b.error }));
    }
  }
  const position = (a: Dict): number => {
    const i = dict(a, "metadata").get("index");
    return typeof i === "number" ? i : Number.MAX_SAFE_INTEGER;
  };
  produced.sort((a, b) => position(a) - position(b));
  const status = failures.length === 0 ? "completed" : produced.length === 0 ? "failed" : "partial";
  const text =
    status === "failed"
      ? `map failed after ${failures.length} branch failures`
      : `mapped ${produced.length} of ${total} items`;
  return {
    result: Dict.of({ status, text, join_strategy: strategy, completed: done, failures }),
    produced,
    transcript,
    outcome: "mapped",
    branch: status === "failed" ? "failed" : "mapped",
    verification: null,
  };
}

function reduce(
  site: StageSite,
  nodeId: string,
  node: Dict,
  artifacts: readonly Dict[],
  transcript: Dict | null,
): Attempt {
  const selected = selectArtifacts(artifacts, parseContextPolicy(node.get("context_policy")));
  const separator = str(dict(node, "reduce_policy"), "separator") ?? "\n\n";
  const text = selected
    .map((a) => str(a, "text"))
    .filter((t): t is string => t !== null)
    .join(separator);
  const kind = strs(dict(node, "output_contract"), "output_kinds")[0] ?? "summary";
  const artifact = artifactFromValue(
    site.records,
    nodeId,
    kind,
    0,
    text,
    selected.map((a) => a.get("id")),
    `reduce ${nodeId} output`,
  );
  return {
    result: completed(text),
    produced: [artifact],
    transcript,
    outcome: "reduced",
    branch: "reduced",
    verification: null,
  };
}

function escalate(
  site: StageSite,
  nodeId: string,
  node: Dict,
  consumed: readonly string[],
  transcript: Dict | null,
): Attempt {
  const policy = dict(node, "escalation_policy");
  const reason = str(policy, "reason") ?? "manual review required";
  const kind = strs(dict(node, "output_contract"), "output_kinds")[0] ?? "plan";
  const artifact = artifactFromValue(
    site.records,
    nodeId,
    kind,
    0,
    Dict.of({ queue: policy.get("queue"), level: policy.get("level"), reason }),
    [...consumed],
    `escalation ${nodeId}`,
  );
  return {
    result: completed(reason),
    produced: [artifact],
    transcript,
    outcome: "escalated",
    branch: "escalated",
    verification: null,
  };
}

async function attempt(
  site: StageSite,
  delegate: Delegate,
  task: string,
  nodeId: string,
  node: Dict,
  artifacts: readonly Dict[],
  transcript: Dict | null,
  consumed: readonly string[],
): Promise<Attempt> {
  switch (str(node, "kind")) {
    case "fork":
      return {
        result: completed("forked"),
        produced: [],
        transcript,
        outcome: "forked",
        branch: "fork",
        verification: null,
      };
    case "join":
      return {
        result: completed("joined"),
        produced: [],
        transcript,
        outcome: "joined",
        branch: "join",
        verification: null,
      };
    case "condition": {
      const matched = condition(
        node,
        selectArtifacts(artifacts, parseContextPolicy(node.get("context_policy"))),
      );
      const text = matched ? "true" : "false";
      return {
        result: completed(text),
        produced: [],
        transcript,
        outcome: `condition_${text}`,
        branch: text,
        verification: null,
      };
    }
    case "map":
      return runMap(site, delegate, task, nodeId, node, artifacts, transcript);
    case "reduce":
      return reduce(site, nodeId, node, artifacts, transcript);
    case "escalation":
      return escalate(site, nodeId, node, consumed, transcript);
    case "subagent": {
      const out = await delegate(site, nodeId, node, task, artifacts, transcript);
      return { ...out, outcome: "subagent_completed", branch: "success", verification: null };
    }
    default: {
      const out = await executeStageNode(site, nodeId, node, task, artifacts);
      const verification = evaluateVerification(node, out.result);
      const [outcome, branch] = classifyOutcome(str(node, "kind") ?? "stage", out.result, verification);
      return { ...out, outcome, branch, verification };
    }
  }
}

function attemptRecord(
  status: string,
  outcome: string,
  branch: string | null,
  error: string | null,
  verification: Value,
  startedAt: string,
): Dict {
  return Dict.of({
    attempt: 1,
    status,
    outcome,
    branch,
    error,
    verification,
    started_at: startedAt,
    finished_at: nowStamp(),
  });
}

/** Runs `node` once; failures are reported in the result rather than thrown. */
export async function executeStage(
  site: StageSite,
  delegate: Delegate,
  task: string,
  nodeId: string,
  node: Dict,
  artifacts: readonly Dict[],
  transcript: Dict | null,
): Promise<ExecutedStage> {
  const consumed = selectArtifacts(artifacts, parseContextPolicy(node.get("context_policy"))).map(
    (a) => str(a, "id") ?? "",
  );
  const startedAt = nowStamp();
  const before = usageSnapshot(site.vm);
  try {
    const a = await attempt(site, delegate, task, nodeId, node, artifacts, transcript, consumed);
    const usage = mergeUsage(emptyUsage(), usageDelta(before, usageSnapshot(site.vm)));
    const success = a.branch !== "failed";
    const status = success ? "completed" : "failed";
    return {
      status,
      outcome: a.outcome,
      branch: a.branch,
      result: a.result,
      artifacts: a.produced,
      transcript: a.transcript,
      verification: a.verification,
      usage,
      error: success ? null : "verification failed",
      attempts: [attemptRecord(status, a.outcome, a.branch, null, a.verification, startedAt)],
      consumedArtifactIds: consumed,
    };
  } catch (e) {
    if (site.signal.aborted) throw e;
    const message = errorText(e);
    return {
      status: "failed",
      outcome: "error",
      branch: "error",
      result: Dict.of({ status: "failed", text: "" }),
      artifacts: [],
      transcript,
      verification: null,
      usage: usageDelta(before, usageSnapshot(site.vm)),
      error: message,
      attempts: [attemptRecord("failed", "error", "error", message, null, startedAt)],
      consumedArtifactIds: consumed,
    };
  }
}
