// Action graphs as workflows (spec: "std/agents: action_graph_flow"): one
// stage per batch, in order, built from the config's template for its
// phase (`research`, `execute`, `verify_phase`, falling back to `stage`),
// with a system prompt that scopes the model to the batch's actions, the
// batch's tools selected from the template's registry, and — when its
// actions name target paths — a write allowlist and a local verification
// contract for those paths. Optional `verify` and `evaluate` templates add
// final stages. The `__action_graph*` builtins are what std/agents'
// action_graph functions call.

import { display } from "../../vm/display.ts";
import { Dict, type Value } from "../../vm/values.ts";
import type { Vm } from "../../vm/vm.ts";
import {
  actionBatches,
  actionsOf,
  asActionGraph,
  normalizeActionGraph,
  renderActionGraph,
} from "./action-graph.ts";
import { graphValue, normalizeWorkflow } from "./graph.ts";
import { filterTools } from "./tool-policy.ts";

const get = (d: Value, key: string): Value => (d instanceof Dict ? d.get(key) : null);
const dictAt = (d: Value, key: string): Dict =>
  get(d, key) instanceof Dict ? (get(d, key) as Dict) : new Dict();
const strings = (v: Value): string[] =>
  (Array.isArray(v) ? v : v === null ? [] : [v]).map((x) => display(x).trim()).filter((x) => x !== "");

function unique(values: readonly string[]): string[] {
  return [...new Set(values)];
}

function batchActions(batch: Dict): Dict[] {
  return actionsOf(batch);
}

function targetPaths(batch: Dict): string[] {
  return unique(
    batchActions(batch).flatMap((a) =>
      strings(get(a, "target_paths") ?? get(get(a, "metadata"), "target_paths")),
    ),
  );
}

function batchTools(batch: Dict): string[] {
  return unique(batchActions(batch).flatMap((a) => strings(a.get("tools"))));
}

function exactCommand(action: Dict): string | null {
  const v = action.get("command") ?? get(action.get("metadata"), "command");
  return typeof v === "string" && v.trim() !== "" ? v.trim() : null;
}

/** The system prompt that confines a stage to its batch. */
export function batchPrompt(batch: Dict): string {
  const tools = batchTools(batch);
  const paths = targetPaths(batch);
  const actions = batchActions(batch);
  const lines = [
    "This stage runs one batch of an action graph.",
    "",
    `Phase: ${display(batch.get("phase"))}`,
    `Tool class: ${display(batch.get("tool_class"))}`,
    `Tools for this batch: ${tools.length > 0 ? tools.join(", ") : "(none declared)"}`,
    `Target paths for this batch: ${paths.length > 0 ? paths.join(", ") : "(none declared)"}`,
    "",
    "The batch's action list and its verification contract take precedence over any wider workflow context.",
    "Do every action listed below, and only those: later batches and final verification belong to later stages.",
    "Keep writes to the batch's target paths; writes elsewhere are refused. Read other files only when this batch cannot be done without them.",
    "Treat plans and context artifacts as background, not as permission to start later work; a refused path is a sign you strayed into it.",
    "Write a target once unless a later read or run shows a concrete problem, and stop as soon as the listed actions are done.",
  ];
  const creates = actions.some((a) => {
    const text = display(a.get("instruction") ?? a.get("title") ?? "")
      .trim()
      .toLowerCase();
    return text.startsWith("create ") || text.startsWith("write new ");
  });
  if (creates) {
    lines.push(
      "When an action says to create a file, write it directly; do not reread or rewrite it without a reason.",
    );
  }
  if (actions.some((a) => exactCommand(a) !== null)) {
    lines.push("When an action gives an exact command, run that command before anything else.");
    if (batch.get("phase") === "verify" && tools.length === 1 && tools[0] === "run") {
      lines.push(
        "This verification batch only observes: run the command, report pass or fail, and stop without repairs.",
      );
    }
  }
  lines.push("Actions:");
  for (const a of actions) {
    const title = display(a.get("title") ?? a.get("instruction") ?? a.get("id"));
    const command = exactCommand(a);
    const detail =
      a.get("instruction") !== null
        ? display(a.get("instruction"))
        : command !== null
          ? `${title} Run exactly \`${command}\`.`
          : title;
    lines.push(`- [${display(a.get("id"))}] ${title}: ${detail}`);
  }
  return lines.join("\n");
}

function stageTemplate(config: Value, phase: string): Dict {
  const pick = (...keys: string[]): Dict => {
    for (const k of keys) if (get(config, k) instanceof Dict) return get(config, k) as Dict;
    return new Dict();
  };
  if (phase === "research") return pick("research", "stage");
  if (phase === "verify") return pick("verify_phase", "execute", "stage");
  return pick("execute", "stage");
}

function outputKind(template: Dict, fallback: string): string {
  const kinds = strings(get(template.get("output_contract"), "output_kinds"));
  return kinds[0] ?? fallback;
}

function systemWith(base: Value, prompt: string): string {
  return typeof base === "string" && base.trim() !== "" ? `${base.trim()}\n\n${prompt}` : prompt;
}

function selectedTools(batch: Dict, template: Dict): Value {
  const registry = template.get("tools");
  if (registry === null) return null;
  let names = batchTools(batch);
  if (names.includes("write") && !names.includes("read")) names = ["read", ...names];
  return names.length === 0 ? registry : filterTools(registry, names);
}

function contextKinds(batch: Dict, template: Dict): string[] {
  const explicit = strings(get(template.get("context_policy"), "include_kinds"));
  if (explicit.length > 0) return explicit;
  return batch.get("phase") === "verify" ? ["summary", "artifact", "verification_result"] : ["summary"];
}

function batchNode(batch: Dict, template: Dict): Dict {
  const paths = targetPaths(batch);
  const phase = display(batch.get("phase"));
  const local =
    paths.length === 0
      ? null
      : Dict.of({
          summary: "Scope of the current batch",
          required_paths: paths,
          notes: [
            "Only this batch's paths are in scope for this stage.",
            "Checks of later stages run later; do not work toward them here unless this batch names that work.",
          ],
        });
  let metadata = dictAt(template, "metadata");
  if (local !== null) metadata = metadata.with("workflow_verification_scope", "local_only");
  let approval = dictAt(template, "approval_policy");
  if (paths.length > 0) approval = approval.with("write_path_allowlist", paths);
  const m = new Map(template.map);
  m.set("kind", "stage");
  m.set("task_label", `${phase.toUpperCase()} batch ${display(batch.get("id"))}`);
  m.set("system", systemWith(template.get("system"), display(batch.get("prompt"))));
  m.set("tools", selectedTools(batch, template));
  m.set("model_policy", dictAt(template, "model_policy"));
  m.set("approval_policy", approval);
  m.set("verify", local ?? template.get("verify"));
  m.set(
    "output_contract",
    dictAt(template, "output_contract").with("output_kinds", [
      outputKind(template, phase === "verify" ? "verification_result" : "summary"),
    ]),
  );
  m.set(
    "context_policy",
    dictAt(template, "context_policy").with("include_kinds", contextKinds(batch, template)),
  );
  m.set("metadata", metadata);
  return new Dict(m);
}

function terminalNode(phase: "verify" | "evaluate", template: Dict): Dict {
  const kind =
    template.get("kind") !== null
      ? display(template.get("kind"))
      : phase === "verify" || template.get("command") !== null || template.get("assert_text") !== null
        ? "verify"
        : "stage";
  const m = new Map(template.map);
  m.set("kind", kind);
  m.set("task_label", phase.toUpperCase());
  const prompt =
    phase === "verify"
      ? "Check the action-graph plan against the artifacts it produced and decide whether the requested work is done."
      : "Assess the finished action-graph run and summarize whether its plan met the task.";
  m.set("system", systemWith(template.get("system"), prompt));
  if (kind === "verify") {
    const checks = new Map<string, Value>();
    for (const key of ["command", "assert_text", "expect_status"]) {
      if (template.get(key) !== null) checks.set(key, template.get(key));
    }
    m.set("verify", template.get("verify") ?? new Dict(checks));
  }
  m.set(
    "output_contract",
    dictAt(template, "output_contract").with("output_kinds", [
      outputKind(template, phase === "verify" ? "verification_result" : "summary"),
    ]),
  );
  const kinds = strings(get(template.get("context_policy"), "include_kinds"));
  m.set(
    "context_policy",
    dictAt(template, "context_policy").with(
      "include_kinds",
      kinds.length > 0 ? kinds : ["plan", "summary", "artifact", "verification_result"],
    ),
  );
  return new Dict(m);
}

/** The workflow graph that runs `graph`'s batches, then the config's final verify/evaluate stages. */
export function actionGraphFlow(graph: Value, config: Value): Dict {
  const plan = asActionGraph(graph, config);
  const nodes = new Map<string, Value>();
  const edges: Value[] = [];
  let previous: string | null = null;
  const add = (id: string, node: Dict): void => {
    nodes.set(id, node);
    if (previous !== null) edges.push(Dict.of({ from: previous, to: id }));
    previous = id;
  };
  for (const batch of actionBatches(plan, null, batchPrompt)) {
    add(
      display(batch.get("id")).replaceAll("-", "_"),
      batchNode(batch, stageTemplate(config, display(batch.get("phase")))),
    );
  }
  for (const phase of ["verify", "evaluate"] as const) {
    const template = dictAt(config, phase);
    if (template.keys().length > 0) add(`final_${phase}`, terminalNode(phase, template));
  }
  const entry = [...nodes.keys()][0] ?? "final_verify";
  const name = get(config, "name") ?? plan.get("task") ?? "action_graph";
  return graphValue(
    normalizeWorkflow(Dict.of({ name, entry, nodes: new Dict(nodes), edges }), "action_graph_flow"),
  );
}

export function registerActionGraphBuiltins(vm: Vm): void {
  vm.registerBuiltin("__action_graph", (args) => normalizeActionGraph(args[0] ?? null, args[1] ?? null));
  vm.registerBuiltin("__action_graph_batches", (args) =>
    actionBatches(asActionGraph(args[0] ?? null), args[1] ?? null, batchPrompt),
  );
  vm.registerBuiltin("__action_graph_render", (args) => renderActionGraph(asActionGraph(args[0] ?? null)));
  vm.registerBuiltin("__action_graph_flow", (args) => actionGraphFlow(args[0] ?? null, args[1] ?? null));
}
