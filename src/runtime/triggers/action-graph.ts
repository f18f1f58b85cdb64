// Action-graph updates for observability: as it works, the dispatcher
// appends nodes (the trigger event, its predicate, each dispatch attempt,
// retries, the dead letter) and the edges between them to
// `observability.action_graph`, one update per step, tagged with the
// event's trace id. `trigger_inspect_action_graph(trace_id)` reads them
// back; a UI folds the updates of one trace into one graph (a node id that
// reappears updates that node's status).

import { Dict, type Value } from "../../vm/values.ts";
import type { EventLog } from "../events/event-log.ts";
import { logEvent } from "../events/event-log.ts";
import { eventId, eventKind, eventProvider, eventTraceId } from "./event.ts";
import { ACTION_GRAPH_TOPIC } from "./topics.ts";

export interface GraphNode {
  readonly id: string;
  readonly label: string;
  readonly kind: "trigger" | "predicate" | "dispatch" | "retry" | "dlq";
  readonly status: string;
  readonly outcome: string;
  readonly metadata?: Record<string, Value>;
}

export interface GraphEdge {
  readonly from: string;
  readonly to: string;
  readonly kind: "trigger_dispatch" | "predicate_gate" | "replay_chain" | "retry" | "dlq_move";
  readonly label?: string | null;
}

/** Appends one graph update for `event`. */
export function appendGraphUpdate(
  log: EventLog,
  nowMs: number,
  event: Dict,
  nodes: readonly GraphNode[],
  edges: readonly GraphEdge[],
  context: Record<string, Value>,
): void {
  const trace = eventTraceId(event);
  const nodeValues = nodes.map((n) =>
    Dict.of({
      id: n.id,
      label: n.label,
      kind: n.kind,
      status: n.status,
      outcome: n.outcome,
      trace_id: trace,
      stage_id: null,
      node_id: null,
      worker_id: null,
      run_id: null,
      run_path: null,
      metadata: Dict.of(n.metadata ?? {}),
    }),
  );
  const edgeValues = edges.map((e) =>
    Dict.of({ from_id: e.from, to_id: e.to, kind: e.kind, label: e.label ?? null }),
  );
  const payload = Dict.of({
    source: "dispatcher",
    trace_id: trace,
    event_id: eventId(event),
    observability: Dict.of({
      schema_version: 1,
      action_graph_nodes: nodeValues,
      action_graph_edges: edgeValues,
    }),
    context: Dict.of(context),
  });
  const headers = new Map([
    ["trace_id", trace],
    ["event_id", eventId(event)],
  ]);
  log.append(ACTION_GRAPH_TOPIC, logEvent("action_graph_update", payload, nowMs, headers));
}

export function triggerNodeId(eventIdText: string): string {
  return `trigger:${eventIdText}`;
}

/** The node of the event as received (plus, for a replay, the original it re-runs). */
export function receivedNodes(
  event: Dict,
  replayOf: string | null,
): { nodes: GraphNode[]; edges: GraphEdge[] } {
  const label = `${eventProvider(event)}:${eventKind(event)}`;
  const id = triggerNodeId(eventId(event));
  const nodes: GraphNode[] = [];
  const edges: GraphEdge[] = [];
  if (replayOf !== null) {
    const original = triggerNodeId(replayOf);
    // A replay re-dispatches the same event: its node is marked as historical.
    if (original !== id) {
      nodes.push({
        id: original,
        label: `${label} (original ${replayOf})`,
        kind: "trigger",
        status: "historical",
        outcome: "replayed_from",
      });
      edges.push({ from: original, to: id, kind: "replay_chain", label: "replay chain" });
    }
  }
  nodes.push({
    id,
    label,
    kind: "trigger",
    status: "received",
    outcome: replayOf === null ? "received" : "replayed",
  });
  return { nodes, edges };
}
