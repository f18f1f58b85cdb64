// Builtins that build, inspect and edit workflow graphs (spec: "Workflow
// graphs"): workflow_graph, workflow_validate, workflow_inspect,
// workflow_policy_report, workflow_clone, workflow_insert_node,
// workflow_replace_node, workflow_rewire, workflow_set_model_policy,
// workflow_set_context_policy, workflow_set_auto_compact,
// workflow_set_output_visibility, workflow_diff and workflow_commit. Graphs
// are values: every edit returns a new graph with the edit in its audit log.

import { CapabilityPolicy } from "../../runtime/policy/capability-policy.ts";
import { display, typeName } from "../../vm/display.ts";
import { valuesEqual } from "../../vm/compare.ts";
import { runtimeError } from "../../vm/errors.ts";
import { Dict, type Value } from "../../vm/values.ts";
import type { Vm } from "../../vm/vm.ts";
import {
  appendAudit,
  graphValue,
  normalizeNode,
  normalizeWorkflow,
  parseEdges,
  type WorkflowGraph,
} from "./graph.ts";
import { AUTO_COMPACT_POLICY, CONTEXT_POLICY, MODEL_POLICY } from "./node-shapes.ts";
import { type Shape, shaped } from "./shape.ts";
import { builtinCeiling, reportValue, validateWorkflow } from "./validate.ts";

function required(args: Value[], i: number, builtin: string, what: string): Value {
  const v = args[i];
  if (v === undefined) throw runtimeError(`${builtin}: missing ${what}`);
  return v;
}

function ceilingArg(v: Value | undefined, builtin: string): CapabilityPolicy | null {
  if (v === undefined || v === null) return null;
  if (!(v instanceof Dict))
    throw runtimeError(`${builtin}: ceiling must be a policy dict, got ${typeName(v)}`);
  return CapabilityPolicy.fromValue(v);
}

function nodeToolsValue(g: WorkflowGraph): Value[] {
  return [...g.nodes].map(([id, node]) =>
    Dict.of({ node_id: id, policy: node.get("capability_policy"), tools: node.get("tools") }),
  );
}

/** `workflow_set_*(graph, node_id, value)`: one node field replaced. */
function setNodeField(args: Value[], builtin: string, key: string, shape: Shape | null): Dict {
  const g = normalizeWorkflow(required(args, 0, builtin, "workflow"), builtin);
  const id = display(required(args, 1, builtin, "node id"));
  const value = required(args, 2, builtin, "policy");
  const node = g.nodes.get(id);
  if (node === undefined) throw runtimeError(`${builtin}: unknown workflow node: ${id}`);
  let next: Value;
  if (shape !== null) next = shaped(value, shape, `${builtin}: ${key}`);
  else if (value === null || typeof value === "string") next = value;
  else throw runtimeError(`${builtin}: value must be a string or nil`);
  g.nodes.set(id, node.with(key, next));
  appendAudit(g, "set_policy", id, null);
  return graphValue(g);
}

export function registerGraphBuiltins(vm: Vm): void {
  const b = vm.registerBuiltin.bind(vm);
  const graphArg = (args: Value[], builtin: string): WorkflowGraph =>
    normalizeWorkflow(args[0] ?? null, builtin);

  b("workflow_graph", (args) => graphValue(graphArg(args, "workflow_graph")));

  b("workflow_validate", (args) => {
    const g = graphArg(args, "workflow_validate");
    return reportValue(validateWorkflow(g, ceilingArg(args[1], "workflow_validate") ?? builtinCeiling()));
  });

  b("workflow_inspect", (args) => {
    const g = graphArg(args, "workflow_inspect");
    const report = validateWorkflow(g, ceilingArg(args[1], "workflow_inspect") ?? builtinCeiling());
    return Dict.of({
      graph: graphValue(g),
      validation: reportValue(report),
      node_count: g.nodes.size,
      edge_count: g.edges.length,
    });
  });

  b("workflow_policy_report", (args) => {
    const g = graphArg(args, "workflow_policy_report");
    const ceiling = ceilingArg(args[1], "workflow_policy_report") ?? builtinCeiling();
    return Dict.of({
      workflow_policy: g.capabilityPolicy.toValue(),
      ceiling: ceiling.toValue(),
      validation: reportValue(validateWorkflow(g, ceiling)),
      nodes: nodeToolsValue(g),
    });
  });

  b("workflow_clone", (args) => {
    const g = graphArg(args, "workflow_clone");
    g.id = `${g.id}_clone`;
    g.version += 1;
    appendAudit(g, "clone", null, null);
    return graphValue(g);
  });

  b("workflow_insert_node", (args) => {
    const builtin = "workflow_insert_node";
    const g = normalizeWorkflow(required(args, 0, builtin, "workflow"), builtin);
    const raw = required(args, 1, builtin, "node");
    const given = raw instanceof Dict ? raw.get("id") : null;
    const id = given === null || display(given) === "" ? `node_${g.nodes.size + 1}` : display(given);
    g.nodes.set(id, normalizeNode(raw, id, `${builtin}: node ${id}`).with("id", id));
    if (args[2] instanceof Dict) g.edges.push(...parseEdges([args[2]], `${builtin} edge`));
    appendAudit(g, "insert_node", id, null);
    return graphValue(g);
  });

  b("workflow_replace_node", (args) => {
    const builtin = "workflow_replace_node";
    const g = normalizeWorkflow(required(args, 0, builtin, "workflow"), builtin);
    const id = display(required(args, 1, builtin, "node id"));
    const raw = required(args, 2, builtin, "node");
    g.nodes.set(id, normalizeNode(raw, id, `${builtin}: node ${id}`).with("id", id));
    appendAudit(g, "replace_node", id, null);
    return graphValue(g);
  });

  b("workflow_rewire", (args) => {
    const builtin = "workflow_rewire";
    const g = normalizeWorkflow(required(args, 0, builtin, "workflow"), builtin);
    const from = display(required(args, 1, builtin, "from"));
    const to = display(required(args, 2, builtin, "to"));
    const branchText = args[3] === undefined || args[3] === null ? "" : display(args[3]);
    const branch = branchText === "" ? null : branchText;
    g.edges = g.edges.filter((e) => !(e.from === from && e.branch === branch));
    g.edges.push({ from, to, branch, label: null });
    appendAudit(g, "rewire", from, null);
    return graphValue(g);
  });

  b("workflow_set_model_policy", (args) =>
    setNodeField(args, "workflow_set_model_policy", "model_policy", MODEL_POLICY),
  );
  b("workflow_set_context_policy", (args) =>
    setNodeField(args, "workflow_set_context_policy", "context_policy", CONTEXT_POLICY),
  );
  b("workflow_set_auto_compact", (args) =>
    setNodeField(args, "workflow_set_auto_compact", "auto_compact", AUTO_COMPACT_POLICY),
  );
  b("workflow_set_output_visibility", (args) =>
    setNodeField(args, "workflow_set_output_visibility", "output_visibility", null),
  );

  b("workflow_diff", (args) => {
    const left = graphValue(
      normalizeWorkflow(required(args, 0, "workflow_diff", "left workflow"), "workflow_diff"),
    );
    const right = graphValue(
      normalizeWorkflow(required(args, 1, "workflow_diff", "right workflow"), "workflow_diff"),
    );
    return Dict.of({ changed: !valuesEqual(left, right), left, right });
  });

  b("workflow_commit", (args) => {
    const builtin = "workflow_commit";
    const g = normalizeWorkflow(required(args, 0, builtin, "workflow"), builtin);
    const reasonText = args[1] === undefined || args[1] === null ? "" : display(args[1]);
    const report = validateWorkflow(g, builtinCeiling());
    if (!report.valid) throw runtimeError(`${builtin}: invalid workflow: ${report.errors.join("; ")}`);
    appendAudit(g, "commit", null, reasonText === "" ? null : reasonText);
    return graphValue(g);
  });
}
