// Workflow graphs (spec: "Workflow graphs"): typed nodes joined by edges
// that may carry a branch label, with a graph-level capability and
// approval policy and an audit log of edits. `normalizeWorkflow` accepts
// the dict a program writes — or the legacy `{act, verify, repair}` form,
// which becomes act → verify, verify -failed→ repair, repair -retry→
// verify — and fills every default; `graphValue` turns it back into the
// dict programs see. Node tool registries pass through untouched, so tool
// handlers (closures) survive `workflow_graph` and every edit builtin.

import { v7 as uuidV7 } from "uuid";
import { CapabilityPolicy } from "../../runtime/policy/capability-policy.ts";
import { display, typeName } from "../../vm/display.ts";
import { runtimeError } from "../../vm/errors.ts";
import { Dict, HFloat, type Value } from "../../vm/values.ts";
import { APPROVAL_POLICY, NODE_FIELDS, NODE_POLICIES } from "./node-shapes.ts";
import { dict, shaped, str, strs } from "./shape.ts";

export interface WorkflowEdge {
  readonly from: string;
  readonly to: string;
  readonly branch: string | null;
  readonly label: string | null;
}

export interface WorkflowGraph {
  id: string;
  name: string | null;
  version: number;
  entry: string;
  /** Node dicts by id, every field present (see node-shapes.ts). */
  nodes: Map<string, Dict>;
  edges: WorkflowEdge[];
  capabilityPolicy: CapabilityPolicy;
  approvalPolicy: Dict;
  metadata: Dict;
  auditLog: Value[];
}

/** `prefix_<uuid v7>`, the reference's id form. */
export function newId(prefix: string): string {
  return `${prefix}_${uuidV7()}`;
}

/** Unix seconds as text: the reference's timestamp form for records. */
export function nowStamp(): string {
  return String(Math.floor(Date.now() / 1000));
}

function nodeKindDefaultOutput(node: Dict): string {
  switch (str(node, "kind")) {
    case "verify":
      return "verification_result";
    case "reduce":
      return str(dict(node, "reduce_policy"), "output_kind") ?? "summary";
    case "map":
      return str(dict(node, "map_policy"), "output_kind") ?? "artifact";
    case "escalation":
      return "plan";
    default:
      return "artifact";
  }
}

/** A node dict with every field present; `what` names it in errors. */
export function normalizeNode(v: Value | undefined, id: string | null, what: string): Dict {
  let node = shaped(v, NODE_FIELDS, what);
  for (const [key, shape] of NODE_POLICIES) {
    node = node.with(key, shaped(node.get(key), shape, `${what}: ${key}`));
  }
  node = node.with("capability_policy", CapabilityPolicy.fromValue(node.get("capability_policy")).toValue());
  if (id !== null && str(node, "id") === null) node = node.with("id", id);
  if ((str(node, "kind") ?? "") === "") node = node.with("kind", "stage");
  const output = dict(node, "output_contract");
  if (strs(output, "output_kinds").length === 0) {
    node = node.with("output_contract", output.with("output_kinds", [nodeKindDefaultOutput(node)]));
  }
  const retry = dict(node, "retry_policy");
  const attempts = retry.get("max_attempts");
  if (typeof attempts !== "number" || attempts < 1) {
    node = node.with("retry_policy", retry.with("max_attempts", 1));
  }
  return node;
}

function parseEdge(v: Value, what: string): WorkflowEdge {
  if (!(v instanceof Dict)) throw runtimeError(`${what}: expected an edge dict, got ${typeName(v)}`);
  const text = (key: string): string | null => {
    const x = v.get(key);
    if (x === null) return null;
    if (typeof x !== "string") throw runtimeError(`${what}: \`${key}\` must be a string, got ${typeName(x)}`);
    return x;
  };
  return { from: text("from") ?? "", to: text("to") ?? "", branch: text("branch"), label: text("label") };
}

export function edgeValue(e: WorkflowEdge): Dict {
  return Dict.of({ from: e.from, to: e.to, branch: e.branch, label: e.label });
}

export function parseEdges(v: Value | undefined, what: string): WorkflowEdge[] {
  if (v === undefined || v === null) return [];
  if (!Array.isArray(v)) throw runtimeError(`${what}: \`edges\` must be a list, got ${typeName(v)}`);
  return v.map((e) => parseEdge(e, `${what} edge`));
}

/** The legacy `{act, verify, repair}` form: stages inherit the top-level model settings. */
function legacyNodes(input: Dict, what: string): Map<string, Dict> {
  const nodes = new Map<string, Dict>();
  const top = (key: string): Value => {
    const v = input.get(key);
    return v === null || display(v) === "" ? null : v;
  };
  for (const key of ["act", "verify", "repair"]) {
    const raw = input.get(key);
    if (raw === null) continue;
    let node = normalizeNode(raw, key, `${what}: node ${key}`).with("id", key);
    if (!(raw instanceof Dict) || raw.get("kind") === null) {
      node = node.with("kind", key === "verify" ? "verify" : "stage");
    }
    let model = dict(node, "model_policy");
    const inherit = (field: string, value: Value): void => {
      if (model.get(field) === null && value !== null) model = model.with(field, value);
    };
    inherit("provider", top("provider") === null ? null : display(top("provider")!));
    inherit("model", top("model") === null ? null : display(top("model")!));
    const tier = top("model_tier") ?? top("tier");
    inherit("model_tier", tier === null ? null : display(tier));
    const temperature = input.get("temperature");
    inherit(
      "temperature",
      temperature instanceof HFloat || typeof temperature === "number" ? temperature : null,
    );
    inherit("max_tokens", typeof input.get("max_tokens") === "number" ? input.get("max_tokens") : null);
    node = node.with("model_policy", model);
    for (const field of ["mode", "done_sentinel"]) {
      const v = top(field);
      if (node.get(field) === null && v !== null) node = node.with(field, display(v));
    }
    if (key === "verify" && node.get("verify") === null && raw instanceof Dict) {
      const checks = ["assert_text", "command", "expect_status", "expect_text"];
      if (checks.some((c) => raw.map.has(c))) {
        node = node.with("verify", Dict.of(Object.fromEntries(checks.map((c) => [c, raw.get(c)]))));
      }
    }
    nodes.set(key, normalizeNode(node, key, `${what}: node ${key}`));
  }
  return nodes;
}

function legacyEdges(nodes: Map<string, Dict>): WorkflowEdge[] {
  const edges: WorkflowEdge[] = [];
  if (!nodes.has("act")) return edges;
  if (nodes.has("verify")) edges.push({ from: "act", to: "verify", branch: null, label: null });
  if (nodes.has("repair")) {
    edges.push({ from: "verify", to: "repair", branch: "failed", label: null });
    edges.push({ from: "repair", to: "verify", branch: "retry", label: null });
  }
  return edges;
}

/** The workflow graph a program's dict describes; `what` names the builtin in errors. */
export function normalizeWorkflow(v: Value | undefined, what: string): WorkflowGraph {
  if (v !== undefined && v !== null && !(v instanceof Dict)) {
    throw runtimeError(`${what}: expected a workflow dict, got ${typeName(v)}`);
  }
  const input = v instanceof Dict ? v : new Dict();
  const rawNodes = input.get("nodes");
  if (rawNodes !== null && !(rawNodes instanceof Dict)) {
    throw runtimeError(`${what}: \`nodes\` must be a dict of node id to node, got ${typeName(rawNodes)}`);
  }
  let nodes = new Map<string, Dict>();
  for (const id of rawNodes instanceof Dict ? rawNodes.keys() : []) {
    nodes.set(id, normalizeNode(rawNodes!.get(id), id, `${what}: node ${id}`));
  }
  let edges = parseEdges(input.get("edges"), what);
  let entry = input.get("entry") === null ? "" : display(input.get("entry"));
  if (nodes.size === 0) {
    nodes = legacyNodes(input, what);
    if (entry === "" && nodes.has("act")) entry = "act";
    if (edges.length === 0) edges = legacyEdges(nodes);
  }
  if (entry === "") entry = [...nodes.keys()].sort()[0] ?? "act";
  const id = input.get("id");
  const name = input.get("name");
  const version = input.get("version");
  const audit = input.get("audit_log");
  return {
    id: id === null || display(id) === "" ? newId("workflow") : display(id),
    name: name === null ? null : display(name),
    version: typeof version === "number" && version > 0 ? version : 1,
    entry,
    nodes: new Map([...nodes.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))),
    edges,
    capabilityPolicy: CapabilityPolicy.fromValue(input.get("capability_policy")),
    approvalPolicy: shaped(input.get("approval_policy"), APPROVAL_POLICY, `${what}: approval_policy`),
    metadata: shaped(input, { metadata: "dict" }, what).get("metadata") as Dict,
    auditLog: Array.isArray(audit) ? audit : [],
  };
}

/** The dict programs see for a graph. */
export function graphValue(g: WorkflowGraph): Dict {
  return Dict.of({
    _type: "workflow_graph",
    id: g.id,
    name: g.name,
    version: g.version,
    entry: g.entry,
    nodes: new Dict(new Map(g.nodes)),
    edges: g.edges.map(edgeValue),
    capability_policy: g.capabilityPolicy.toValue(),
    approval_policy: g.approvalPolicy,
    metadata: g.metadata,
    audit_log: [...g.auditLog],
  });
}

/** Records an edit in the graph's audit log. */
export function appendAudit(
  g: WorkflowGraph,
  op: string,
  nodeId: string | null,
  reason: string | null,
): void {
  g.auditLog = [
    ...g.auditLog,
    Dict.of({ id: newId("audit"), op, node_id: nodeId, timestamp: nowStamp(), reason, metadata: new Dict() }),
  ];
}

/** Edges leaving `current` for `branch`, else its unlabelled edges. */
export function nextEdges(g: WorkflowGraph, current: string, branch: string | null): WorkflowEdge[] {
  const matching = g.edges.filter((e) => e.from === current && e.branch === branch);
  return matching.length > 0 ? matching : g.edges.filter((e) => e.from === current && e.branch === null);
}
