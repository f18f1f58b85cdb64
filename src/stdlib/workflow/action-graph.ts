// Action graphs (spec: "std/agents: action graphs"): a planner's output —
// a list of steps, a dict holding one (`actions`, `plan`, `steps`, `items`,
// `tasks`, `batches`, or `research`/`execute`/`verify` groups), or JSON
// text of either — normalized into `{_type: "action_graph", task, summary,
// actions, metadata}`. Each action gets a canonical id (`action-N`), a
// phase (research, execute or verify: stated, implied by the instruction's
// first word, or by its tools), a tool class, and dependencies resolved
// from ids, titles or positions; an execute step with no stated
// dependency waits for the research steps, a verify step for the execute
// steps. Batches are dependency waves split by phase and tool class;
// render is a markdown outline.

import { jsonToValue, type JsonValue } from "../../llm/json.ts";
import { display } from "../../vm/display.ts";
import { Dict, HFloat, type Value } from "../../vm/values.ts";

const READ_TOOLS = ["read", "search", "fetch", "query", "list", "inspect", "grep"];
const WRITE_TOOLS = ["edit", "write", "create", "update", "delete", "apply_patch"];
const EXEC_TOOLS = ["run", "exec", "shell", "test"];
const PHASE_WORDS: readonly (readonly [string, readonly string[]])[] = [
  ["research", ["research", "discover", "analyze", "analysis", "investigate"]],
  ["verify", ["verify", "verification", "test", "check", "evaluate", "evaluator", "qa"]],
  ["execute", ["execute", "act", "implementation", "implement", "apply", "fix", "edit"]],
];
const PHASE_PREFIXES: readonly (readonly [string, readonly string[]])[] = [
  ["research", ["research ", "inspect ", "analyze ", "investigate "]],
  ["verify", ["verify ", "test ", "check ", "evaluate "]],
];
export const PHASES = ["research", "execute", "verify"] as const;

const get = (d: Value, key: string): Value => (d instanceof Dict ? d.get(key) : null);

/** A trimmed non-empty string, else null. */
function textOf(v: Value): string | null {
  return typeof v === "string" && v.trim() !== "" ? v.trim() : null;
}

function firstText(values: readonly Value[]): string | null {
  for (const v of values) {
    const t = textOf(v);
    if (t !== null) return t;
  }
  return null;
}

function firstOf(d: Value, keys: readonly string[]): Value {
  for (const k of keys) if (get(d, k) !== null) return get(d, k);
  return null;
}

const listify = (v: Value): Value[] => (v === null ? [] : Array.isArray(v) ? v : [v]);

function parseInput(raw: Value): Value {
  if (typeof raw !== "string") return raw;
  const t = raw.trim();
  if (t === "") return [];
  if (!t.startsWith("{") && !t.startsWith("[")) return raw;
  try {
    return jsonToValue(JSON.parse(t) as JsonValue);
  } catch {
    return raw;
  }
}

function withPhase(item: Value, phase: Value): Value {
  return item instanceof Dict ? item.with("phase", item.get("phase") ?? phase) : item;
}

function collectItems(parsed: Value): Value[] {
  if (parsed === null) return [];
  if (Array.isArray(parsed)) return parsed;
  if (!(parsed instanceof Dict)) return [parsed];
  for (const key of ["actions", "plan", "steps", "items", "tasks"]) {
    const v = parsed.get(key);
    if (Array.isArray(v)) return v;
    if (v instanceof Dict) {
      const nested = collectItems(v);
      if (nested.length > 0) return nested;
    }
  }
  const batches = parsed.get("batches");
  if (Array.isArray(batches)) {
    const flat = batches.flatMap((b) =>
      listify(firstOf(b, ["actions", "items", "steps"])).map((i) =>
        withPhase(i, firstOf(b, ["phase", "kind", "type"])),
      ),
    );
    if (flat.length > 0) return flat;
  }
  const grouped = PHASES.flatMap((phase) =>
    listify(parsed.get(phase)).map((i) =>
      i instanceof Dict ? withPhase(i, phase) : Dict.of({ title: i, instruction: i, phase }),
    ),
  );
  return grouped.length > 0 ? grouped : [parsed];
}

function toolList(d: Dict): string[] {
  const v = firstOf(d, ["tools", "tool", "allowed_tools", "capabilities"]);
  if (v === null) return [];
  if (typeof v === "string") return [v.trim()];
  const out: string[] = [];
  for (const item of listify(v)) {
    const name =
      typeof item === "string" ? item.trim() : display(firstOf(item, ["name", "tool", "id"]) ?? "").trim();
    if (name !== "" && !out.includes(name)) out.push(name);
  }
  return out;
}

/** read / write / exec when every tool is of that family, mixed across families, generic otherwise. */
export function toolClass(tools: readonly string[], phase: string | null): string {
  if (phase === "verify") return "verify";
  if (tools.length === 0) return phase === "research" ? "read" : "generic";
  const families = new Set<string>();
  for (const t of tools) {
    const name = t.trim().toLowerCase();
    if (READ_TOOLS.includes(name)) families.add("read");
    else if (WRITE_TOOLS.includes(name)) families.add("write");
    else if (EXEC_TOOLS.includes(name)) families.add("exec");
    else return "generic";
  }
  return families.size === 1 ? [...families][0]! : "mixed";
}

function phaseOf(d: Dict, fallback: string | null, tools: readonly string[], instruction: string): string {
  const stated = firstOf(d, ["phase", "kind", "type", "category", "mode"]) ?? fallback;
  const explicit = (stated === null ? "" : display(stated)).trim().toLowerCase();
  for (const [phase, words] of PHASE_WORDS) if (words.includes(explicit)) return phase;
  const text = instruction.trim().toLowerCase();
  for (const [phase, prefixes] of PHASE_PREFIXES) if (prefixes.some((p) => text.startsWith(p))) return phase;
  return toolClass(tools, fallback) === "read" && explicit !== "execute" ? "research" : "execute";
}

function dependencyRefs(d: Dict): string[] {
  const refs: string[] = [];
  for (const item of listify(firstOf(d, ["depends_on", "dependsOn", "dependencies", "needs", "after"]))) {
    if (typeof item === "number" || typeof item === "bigint" || item instanceof HFloat)
      refs.push(display(item));
    else if (item instanceof Dict) {
      const ref = firstText(["id", "action_id", "title", "name", "label", "task"].map((k) => item.get(k)));
      if (ref !== null) refs.push(ref);
    } else {
      const t = textOf(item);
      if (t !== null) refs.push(t);
    }
  }
  return refs;
}

function filterNil(entries: Record<string, Value>): Dict {
  return Dict.of(Object.fromEntries(Object.entries(entries).filter(([, v]) => v !== null && v !== "")));
}

interface Staged {
  readonly action: Dict;
  readonly refs: string[];
}

/** The canonical action graph of a planner's output. */
export function normalizeActionGraph(raw: Value, options: Value): Dict {
  const parsed = parseInput(raw);
  const staged: Staged[] = [];
  const aliases = new Map<string, string>();
  collectItems(parsed).forEach((item, index) => {
    const d = item instanceof Dict ? item : Dict.of({ title: item, instruction: item });
    const tools = toolList(d);
    const title =
      firstText(
        ["title", "name", "label", "action", "task", "instruction", "summary"].map((k) => d.get(k)),
      ) ?? `Action ${index + 1}`;
    const instruction =
      firstText(
        ["instruction", "prompt", "task", "action", "goal", "description", "text"].map((k) => d.get(k)),
      ) ?? title;
    const sourceId = firstText(["id", "action_id", "name", "label"].map((k) => d.get(k)));
    const fallback = d.get("phase") ?? get(options, "phase");
    const phase = phaseOf(d, fallback === null ? null : display(fallback), tools, instruction);
    const id = `action-${index + 1}`;
    const declaredClass = d.get("tool_class");
    staged.push({
      refs: dependencyRefs(d),
      action: Dict.of({
        _type: "action_item",
        id,
        title,
        instruction,
        phase,
        depends_on: [],
        tools,
        tool_class: declaredClass ?? toolClass(tools, phase),
        metadata: filterNil({ source_id: sourceId, source_phase: firstOf(d, ["phase", "kind", "type"]) }),
      }),
    });
    for (const alias of [id, String(index + 1), sourceId?.toLowerCase(), title.toLowerCase()]) {
      if (alias !== undefined) aliases.set(alias, id);
    }
  });
  const byPhase = { research: [] as string[], execute: [] as string[] };
  const actions = staged.map(({ action, refs }) => {
    const id = display(action.get("id"));
    let deps: string[] = [];
    for (const ref of refs) {
      const target = aliases.get(ref.trim().toLowerCase()) ?? aliases.get(ref);
      if (target !== undefined && target !== id && !deps.includes(target)) deps.push(target);
    }
    const phase = display(action.get("phase"));
    if (deps.length === 0 && phase === "execute") deps = [...byPhase.research];
    if (deps.length === 0 && phase === "verify") {
      deps = byPhase.execute.length > 0 ? [...byPhase.execute] : [...byPhase.research];
    }
    if (phase === "research" || phase === "execute") byPhase[phase].push(id);
    return action.with("depends_on", deps);
  });
  const source = parsed instanceof Dict ? (parsed.get("_type") ?? "planner_output") : "planner_output";
  return Dict.of({
    _type: "action_graph",
    task: get(options, "task") ?? get(parsed, "task") ?? get(parsed, "goal"),
    summary: get(options, "summary") ?? get(parsed, "summary") ?? get(parsed, "rationale"),
    actions,
    metadata: filterNil({ source }),
  });
}

/** `graph` if it is already an action graph, else its normalization. */
export function asActionGraph(graph: Value, options: Value = null): Dict {
  return graph instanceof Dict && graph.get("_type") === "action_graph"
    ? graph
    : normalizeActionGraph(graph, options);
}

export const actionsOf = (graph: Dict): Dict[] => {
  const v = graph.get("actions");
  return Array.isArray(v) ? v.filter((a): a is Dict => a instanceof Dict) : [];
};

const idOf = (a: Dict): string => display(a.get("id"));
const depsOf = (a: Dict): string[] => {
  const v = a.get("depends_on");
  return Array.isArray(v) ? v.map((x) => display(x)) : [];
};

/** The markdown outline of a graph: task, summary, then one section per phase. */
export function renderActionGraph(graph: Dict): string {
  const lines = ["# Action Graph"];
  if (graph.get("task") !== null) lines.push("", `Task: ${display(graph.get("task"))}`);
  if (graph.get("summary") !== null) lines.push("", `Summary: ${display(graph.get("summary"))}`);
  for (const phase of PHASES) {
    const items = actionsOf(graph)
      .filter((a) => a.get("phase") === phase)
      .map((a) => {
        const deps = depsOf(a);
        const label = display(a.get("title") ?? a.get("instruction") ?? a.get("id"));
        const suffix = deps.length > 0 ? ` (depends on: ${deps.join(", ")})` : "";
        return `- [${idOf(a)}] ${label} [${display(a.get("tool_class"))}]${suffix}`;
      });
    if (items.length > 0) lines.push("", `## ${phase.toUpperCase()}`, ...items);
  }
  return lines.join("\n");
}

/** Dependency-ready batches: each wave runs one phase, split by tool class. */
export function actionBatches(graph: Dict, completed: Value, batchPrompt: (batch: Dict) => string): Dict[] {
  const actions = actionsOf(graph);
  const finished = listify(completed).map((x) => display(x));
  let remaining = actions.filter((a) => !finished.includes(idOf(a)));
  const batches: Dict[] = [];
  for (let round = 0; remaining.length > 0 && round < actions.length + 4; round++) {
    let ready = remaining.filter((a) => depsOf(a).every((d) => finished.includes(d)));
    let blocked = remaining.filter((a) => !ready.includes(a));
    // A dependency cycle or a dangling reference must not stall the plan: take the first step anyway.
    if (ready.length === 0) {
      ready = [remaining[0]!];
      blocked = remaining.slice(1);
    }
    const first = display(ready[0]!.get("phase"));
    const phase = (PHASES as readonly string[]).includes(first) ? first : "execute";
    const current = ready.filter((a) => a.get("phase") === phase);
    const groups = new Map<string, Dict[]>();
    for (const a of current) {
      const key = a.get("tool_class") === null ? "generic" : display(a.get("tool_class"));
      groups.set(key, [...(groups.get(key) ?? []), a]);
    }
    for (const [toolClassName, members] of groups) {
      batches.push(actionBatch(batches.length, phase, toolClassName, members, batchPrompt));
      finished.push(...members.map(idOf));
    }
    remaining = [...blocked, ...ready.filter((a) => a.get("phase") !== phase)];
  }
  return batches;
}

function actionBatch(
  index: number,
  phase: string,
  toolClassName: string,
  actions: readonly Dict[],
  batchPrompt: (batch: Dict) => string,
): Dict {
  const ids: string[] = [];
  const deps: string[] = [];
  for (const a of actions) {
    ids.push(idOf(a));
    for (const d of depsOf(a)) if (!ids.includes(d) && !deps.includes(d)) deps.push(d);
  }
  const batch = Dict.of({
    _type: "action_batch",
    id: `batch-${index + 1}`,
    phase,
    tool_class: toolClassName,
    actions: [...actions],
    action_ids: ids,
    action_titles: actions.map((a) => a.get("title") ?? a.get("instruction") ?? a.get("id")),
    depends_on: deps,
    count: actions.length,
    prompt: null,
  });
  return batch.with("prompt", batchPrompt(batch));
}
