// Workflow validation (spec: "Workflow graphs: validation"): the entry and
// every edge end must exist; condition nodes need both a `true` and a
// `false` edge, fork nodes two outgoing edges, map nodes a source of items;
// every policy must fit under the ceiling (the host's builtin ceiling, or
// the one the caller passes); and each node's tool surface is checked the
// way `tool_surface_validate` checks one. Unreachable nodes, thin joins and
// unconstrained reduces are warnings, not errors.

import { CapabilityPolicy, PolicyError } from "../../runtime/policy/capability-policy.ts";
import { Dict, type Value } from "../../vm/values.ts";
import { validateToolSurface } from "../../llm/tools/surface.ts";
import type { WorkflowGraph } from "./graph.ts";
import { dict, int, str, strs } from "./shape.ts";

export interface ValidationReport {
  readonly valid: boolean;
  readonly errors: string[];
  readonly warnings: string[];
  readonly reachableNodes: string[];
}

/** The host ceiling every workflow runs under: no tool or capability list, network side effects, 8 nested levels. */
export function builtinCeiling(): CapabilityPolicy {
  return new CapabilityPolicy([], new Map(), [], "network", 8);
}

export function reachableNodes(g: WorkflowGraph): string[] {
  const seen = new Set<string>();
  const stack = [g.entry];
  while (stack.length > 0) {
    const id = stack.pop()!;
    if (seen.has(id)) continue;
    seen.add(id);
    for (const e of g.edges) if (e.from === id) stack.push(e.to);
  }
  return [...seen].sort();
}

function checkNode(g: WorkflowGraph, id: string, node: Dict, errors: string[], warnings: string[]): void {
  const incoming = g.edges.filter((e) => e.to === id).length;
  const outgoing = g.edges.filter((e) => e.from === id);
  const input = dict(node, "input_contract");
  const min = int(input, "min_inputs");
  const max = int(input, "max_inputs");
  if (min !== null && max !== null && min > max) {
    errors.push(`node ${id}: input contract min_inputs exceeds max_inputs`);
  }
  switch (str(node, "kind")) {
    case "condition":
      if (!outgoing.some((e) => e.branch === "true") || !outgoing.some((e) => e.branch === "false")) {
        errors.push(`node ${id}: condition nodes require both 'true' and 'false' branch edges`);
      }
      break;
    case "fork":
      if (outgoing.length < 2) errors.push(`node ${id}: fork nodes require at least two outgoing edges`);
      break;
    case "join":
      if (incoming < 2) warnings.push(`node ${id}: join node has fewer than two incoming edges`);
      break;
    case "map": {
      const map = dict(node, "map_policy");
      const items = map.get("items");
      if (
        (!Array.isArray(items) || items.length === 0) &&
        str(map, "item_artifact_kind") === null &&
        strs(input, "input_kinds").length === 0
      ) {
        errors.push(`node ${id}: map nodes require items, item_artifact_kind, or input_contract.input_kinds`);
      }
      break;
    }
    case "reduce":
      if (strs(input, "input_kinds").length === 0) {
        warnings.push(
          `node ${id}: reduce node has no input_contract.input_kinds; it will consume all available artifacts`,
        );
      }
      break;
  }
}

function ceilingError(ceiling: CapabilityPolicy, requested: CapabilityPolicy): string | null {
  try {
    ceiling.intersect(requested);
    return null;
  } catch (e) {
    if (e instanceof PolicyError) return e.message;
    throw e;
  }
}

/** A node's tools in the form the surface check reads as provider-native tools. */
function surfaceTools(tools: Value): Value {
  if (Array.isArray(tools)) return tools;
  if (tools instanceof Dict && tools.get("_type") !== "tool_registry") return [tools];
  return [];
}

function surfaceDiagnostics(surface: Dict, prefix: string, errors: string[], warnings: string[]): void {
  const report = validateToolSurface(surface, undefined);
  const diagnostics = report.get("diagnostics");
  for (const d of Array.isArray(diagnostics) ? diagnostics : []) {
    if (!(d instanceof Dict)) continue;
    const message = `${str(d, "code") ?? ""}: ${prefix}${str(d, "message") ?? ""}`;
    (d.get("severity") === "error" ? errors : warnings).push(message);
  }
}

function checkSurfaces(g: WorkflowGraph, errors: string[], warnings: string[]): void {
  const all: Value[] = [];
  const seen = new Set<string>();
  for (const node of g.nodes.values()) {
    for (const t of surfaceTools(node.get("tools")) as Value[]) {
      const name = t instanceof Dict ? str(t, "name") : null;
      if (name !== null && name !== "" && !seen.has(name)) {
        seen.add(name);
        all.push(t);
      }
    }
  }
  for (const [name, annotations] of g.capabilityPolicy.toolAnnotations) {
    if (seen.has(name)) continue;
    seen.add(name);
    all.push(
      Dict.of({ name, parameters: Dict.of({ type: "object" }), annotations, executor: "host_bridge" }),
    );
  }
  surfaceDiagnostics(
    Dict.of({
      native_tools: all,
      policy: g.capabilityPolicy.toValue(),
      approval_policy: g.approvalPolicy,
    }),
    "workflow: ",
    errors,
    warnings,
  );
  for (const [id, node] of g.nodes) {
    surfaceDiagnostics(
      Dict.of({
        native_tools: surfaceTools(node.get("tools")),
        policy: node.get("capability_policy"),
        approval_policy: node.get("approval_policy"),
        prompts: [str(node, "system"), str(node, "prompt")].filter((p): p is string => p !== null),
      }),
      `node ${id}: `,
      errors,
      warnings,
    );
  }
}

/** The validation report for `g` under `ceiling`. */
export function validateWorkflow(g: WorkflowGraph, ceiling: CapabilityPolicy | null): ValidationReport {
  const errors: string[] = [];
  const warnings: string[] = [];
  if (!g.nodes.has(g.entry)) errors.push(`entry node does not exist: ${g.entry}`);
  for (const e of g.edges) {
    if (!g.nodes.has(e.from)) errors.push(`edge.from references unknown node: ${e.from}`);
    if (!g.nodes.has(e.to)) errors.push(`edge.to references unknown node: ${e.to}`);
  }
  const reachable = reachableNodes(g);
  for (const id of g.nodes.keys()) if (!reachable.includes(id)) warnings.push(`node is unreachable: ${id}`);
  for (const [id, node] of g.nodes) checkNode(g, id, node, errors, warnings);
  if (ceiling !== null) {
    const graphError = ceilingError(ceiling, g.capabilityPolicy);
    if (graphError !== null) errors.push(graphError);
    for (const [id, node] of g.nodes) {
      const nodeError = ceilingError(ceiling, CapabilityPolicy.fromValue(node.get("capability_policy")));
      if (nodeError !== null) errors.push(`node ${id}: ${nodeError}`);
    }
  }
  checkSurfaces(g, errors, warnings);
  return { valid: errors.length === 0, errors, warnings, reachableNodes: reachable };
}

export function reportValue(r: ValidationReport): Dict {
  return Dict.of({
    valid: r.valid,
    errors: [...r.errors],
    warnings: [...r.warnings],
    reachable_nodes: [...r.reachableNodes],
  });
}
