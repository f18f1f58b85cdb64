// Map nodes (spec: "Workflow graphs: map and join"): a map node fans out
// over work items — its `map_policy.items`, else the selected artifacts of
// `item_artifact_kind` — and runs one branch per item, at most
// `max_concurrent` at a time. Its join policy decides when the map is done:
// `all` waits for every branch, `first` for one, `quorum` for
// `min_completed`; branches still running then are cancelled.

import { Dict, HFloat, type Value } from "../../vm/values.ts";
import {
  normalizeArtifact,
  parseContextPolicy,
  type RecordEnv,
  selectArtifacts,
} from "../orchestration/artifacts.ts";
import { newId, nowStamp } from "./graph.ts";
import { dict, int, str } from "./shape.ts";
import { nodeToolNames } from "./tool-policy.ts";

export type WorkItem =
  | { readonly kind: "artifact"; readonly index: number; readonly artifact: Dict }
  | { readonly kind: "value"; readonly index: number; readonly value: Value; readonly artifactKind: string };

/** An artifact built from a stage's value output (`<node>_artifact_<uuid>`). */
export function artifactFromValue(
  records: RecordEnv,
  nodeId: string,
  kind: string,
  index: number,
  value: Value,
  lineage: readonly Value[],
  title: string,
): Dict {
  return normalizeArtifact(
    Dict.of({
      id: `${newId(`${nodeId}_artifact`)}`,
      kind,
      title,
      text: typeof value === "string" ? value : null,
      data: value,
      source: nodeId,
      created_at: nowStamp(),
      freshness: "fresh",
      lineage: [...lineage],
      relevance: new HFloat(1),
      stage: nodeId,
      metadata: Dict.of({ index }),
    }),
    records,
  );
}

/** The items a map node fans out over. */
export function mapWorkItems(node: Dict, artifacts: readonly Dict[]): WorkItem[] {
  const policy = dict(node, "map_policy");
  let inputs = selectArtifacts(artifacts, parseContextPolicy(node.get("context_policy")));
  const itemKind = str(policy, "item_artifact_kind");
  if (itemKind !== null) inputs = inputs.filter((a) => a.get("kind") === itemKind);
  const given = policy.get("items");
  let items = Array.isArray(given) ? given : [];
  const maxItems = int(policy, "max_items");
  if (maxItems !== null) {
    items = items.slice(0, maxItems);
    inputs = inputs.slice(0, maxItems);
  }
  if (items.length > 0) {
    return items.map((value, index) => ({
      kind: "value",
      index,
      value,
      artifactKind: itemKind ?? "artifact",
    }));
  }
  return inputs.map((artifact, index) => ({ kind: "artifact", index, artifact }));
}

/** Whether map branches run a model stage (the node configures one) or only wrap their items. */
export function mapRunsStage(node: Dict): boolean {
  if (["mode", "prompt", "system"].some((k) => node.get(k) !== null)) return true;
  if (nodeToolNames(node.get("tools")).length > 0) return true;
  const model = dict(node, "model_policy");
  return model.keys().some((k) => {
    const v = model.get(k);
    return k === "native_tool_fallback" ? v !== "allow" : v !== null;
  });
}

/** The stage each branch runs: the map node as a plain stage producing the map's output kind. */
export function mapStageNode(node: Dict): Dict {
  let stage = node.with("kind", "stage").with("map_policy", new Dict()).with("join_policy", new Dict());
  const output = str(dict(node, "map_policy"), "output_kind");
  if (output !== null) {
    stage = stage.with("output_contract", dict(node, "output_contract").with("output_kinds", [output]));
  }
  return stage;
}

/** How many finished branches end the map under `strategy`. */
export function completionTarget(strategy: string, total: number, minCompleted: number | null): number {
  if (strategy === "first") return Math.min(total, 1);
  if (strategy === "quorum") return Math.min(Math.max(minCompleted ?? 1, 1), total);
  return total;
}

export type BranchOutcome<T> = { readonly ok: T } | { readonly error: unknown };

/**
 * Runs `tasks` at most `maxConcurrent` at a time until `target` of them
 * have finished (in completion order); the rest are aborted through the
 * signal each task receives, and never started if still queued.
 */
export function runJoined<T>(
  tasks: readonly ((signal: AbortSignal) => Promise<T>)[],
  target: number,
  maxConcurrent: number | null,
): Promise<BranchOutcome<T>[]> {
  if (tasks.length === 0) return Promise.resolve([]);
  const limit = Math.min(Math.max(maxConcurrent ?? tasks.length, 1), tasks.length);
  const stop = new AbortController();
  const results: BranchOutcome<T>[] = [];
  let next = 0;
  let running = 0;
  return new Promise((resolve) => {
    const finish = (outcome: BranchOutcome<T>): void => {
      running--;
      if (stop.signal.aborted) return;
      results.push(outcome);
      if (results.length >= target || (next >= tasks.length && running === 0)) {
        stop.abort();
        resolve(results);
        return;
      }
      launch();
    };
    const launch = (): void => {
      while (running < limit && next < tasks.length && !stop.signal.aborted) {
        const task = tasks[next++]!;
        running++;
        task(stop.signal).then(
          (ok) => finish({ ok }),
          (error: unknown) => finish({ error }),
        );
      }
    };
    launch();
  });
}
