// Every name the program binds anywhere: declarations, parameters, `let`/
// `var`/`for`/`catch` bindings, destructured names and names bound by
// `match` patterns. A call whose target is one of these is never reported
// as undefined, even where scoping would put the binding out of reach —
// the run-time lookup is the authority; the static check only catches
// names that exist nowhere.

import type { BindingPattern, Node } from "../syntax/ast.ts";

function patternNames(pattern: BindingPattern, out: Set<string>): void {
  switch (pattern.kind) {
    case "Ident":
      out.add(pattern.name);
      return;
    case "Dict":
      for (const f of pattern.fields) out.add(f.alias ?? f.key);
      return;
    case "List":
      for (const e of pattern.elements) out.add(e.name);
      return;
    case "Pair":
      out.add(pattern.first);
      out.add(pattern.second);
      return;
  }
}

function isNode(value: unknown): value is Node {
  return typeof value === "object" && value !== null && "kind" in value && "span" in value;
}

/** Every identifier appearing inside a `match` pattern (they bind). */
function patternIdents(value: unknown, out: Set<string>): void {
  forEachNode(value, (n) => {
    if (n.kind === "Ident") out.add(n.name);
  });
}

/** Calls `visit` on every node reachable from `value` (nodes, arrays, helper records). */
export function forEachNode(value: unknown, visit: (node: Node) => void): void {
  if (Array.isArray(value)) {
    for (const v of value) forEachNode(v, visit);
    return;
  }
  if (typeof value !== "object" || value === null) return;
  if (isNode(value)) visit(value);
  for (const [key, v] of Object.entries(value)) {
    if (key !== "span" && typeof v === "object" && v !== null) forEachNode(v, visit);
  }
}

function collect(node: Node, out: Set<string>): void {
  switch (node.kind) {
    case "Let":
    case "Var":
    case "ForIn":
      return patternNames(node.pattern, out);
    case "FnDecl":
    case "ToolDecl":
      out.add(node.name);
      for (const p of node.params) out.add(p.name);
      return;
    case "Closure":
      for (const p of node.params) out.add(p.name);
      return;
    case "Pipeline":
    case "OverrideDecl":
      out.add(node.name);
      for (const p of node.params) out.add(p);
      return;
    case "TryCatch":
      if (node.errorVar !== undefined) out.add(node.errorVar);
      return;
    case "Select":
      for (const c of node.cases) out.add(c.variable);
      return;
    case "Parallel":
      if (node.variable !== undefined) out.add(node.variable);
      return;
    case "Match":
      for (const arm of node.arms) patternIdents(arm.pattern, out);
      return;
    case "SkillDecl":
    case "StructDecl":
    case "EnumDecl":
    case "InterfaceDecl":
    case "TypeDecl":
      out.add(node.name);
      return;
    case "EvalPackDecl":
      out.add(node.bindingName);
      return;
    default:
      return;
  }
}

/** The names bound anywhere in `program`. */
export function collectBoundNames(program: readonly Node[]): Set<string> {
  const out = new Set<string>();
  forEachNode(program, (n) => collect(n, out));
  return out;
}
