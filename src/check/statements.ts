// Checks of binding, assignment and control-flow statements. Typed `let`/
// `var` bindings and assignments must receive assignable values; branches
// and loops see the narrowings their conditions imply (and an `if` whose
// one branch always exits narrows the code after it, as a `guard` does);
// loop variables take the element type of what they iterate.

import { Code, checkMessages } from "../diagnostics/messages.ts";
import type { BindingPattern, NodeOf } from "../syntax/ast.ts";
import { type CheckContext, reportError, reportWarning } from "./context.ts";
import { checkFnBody, signatureOf } from "./declarations.ts";
import { checkBinops } from "./expressions.ts";
import { blockDefinitelyExits, inferBinaryOp, inferType } from "./infer.ts";
import { extractRefinements } from "./narrowing.ts";
import type { TypeScope } from "./scope.ts";
import { typesCompatible } from "./subtype.ts";
import { formatType, type Inferred, isNamed, shapeMismatchDetail, type Ty } from "./types.ts";

function patternNames(pattern: BindingPattern): string[] {
  switch (pattern.kind) {
    case "Ident":
      return [pattern.name];
    case "Dict":
      return pattern.fields.map((f) => f.alias ?? f.key);
    case "List":
      return pattern.elements.map((e) => e.name);
    case "Pair":
      return [pattern.first, pattern.second];
  }
}

function checkPatternDefaults(ctx: CheckContext, pattern: BindingPattern, scope: TypeScope): void {
  const defaults =
    pattern.kind === "Dict" ? pattern.fields : pattern.kind === "List" ? pattern.elements : ([] as const);
  for (const d of defaults) if (d.defaultValue) checkBinops(ctx, d.defaultValue, scope);
}

export function checkBinding(ctx: CheckContext, node: NodeOf<"Let"> | NodeOf<"Var">, scope: TypeScope): void {
  ctx.checkNode(node.value, scope);
  const inferred = inferType(node.value, scope);
  const mutable = node.kind === "Var";
  const { pattern } = node;
  if (pattern.kind !== "Ident") {
    checkPatternDefaults(ctx, pattern, scope);
    for (const name of patternNames(pattern)) scope.defineVar(name, null, mutable);
    return;
  }
  if (node.type && inferred !== null && !typesCompatible(node.type, inferred, scope)) {
    let message = checkMessages.declaredButAssigned(
      pattern.name,
      formatType(node.type),
      formatType(inferred),
    );
    const detail = shapeMismatchDetail(node.type, inferred);
    if (detail !== null) message += ` (${detail})`;
    reportError(ctx, Code.TypeMismatch, message, node.span);
  }
  // An unannotated `var x = nil` is a slot awaiting its real value: leave it untyped.
  const placeholder = mutable && !node.type && isNamed(inferred, "nil");
  scope.defineVar(pattern.name, placeholder ? null : (node.type ?? inferred), mutable);
}

export function checkAssign(ctx: CheckContext, node: NodeOf<"Assign">, scope: TypeScope): void {
  ctx.checkNode(node.value, scope);
  if (node.target.kind !== "Ident") return;
  const name = node.target.name;
  const declared = scope.getVar(name);
  if (declared !== undefined && !scope.isMutable(name)) {
    reportWarning(ctx, Code.ImmutableAssignment, checkMessages.immutableAssignment(name), node.span);
  }
  if (declared) {
    const value = inferType(node.value, scope);
    const actual = node.op === undefined ? value : inferBinaryOp(node.op, declared, value);
    // A narrowed variable is checked against its declared (pre-narrowing) type.
    const slot = scope.narrowed.get(name) ?? declared;
    if (actual !== null && !typesCompatible(slot, actual, scope)) {
      const message = checkMessages.cannotAssign(formatType(actual), name, formatType(slot));
      reportError(ctx, Code.AssignmentTypeMismatch, message, node.span);
    }
  }
  // Reassignment ends a narrowing made in this scope.
  if (scope.narrowed.has(name)) {
    scope.vars.set(name, scope.narrowed.get(name) ?? null);
    scope.narrowed.delete(name);
  }
}

/** Checks both branches of `if`, narrowing each, and narrows what follows when one branch exits. */
export function checkIf(ctx: CheckContext, node: NodeOf<"If">, scope: TypeScope): void {
  ctx.checkNode(node.cond, scope);
  const refs = extractRefinements(node.cond, scope);
  const yes = scope.child();
  yes.applyRefinements(refs.truthy);
  ctx.checkBlock(node.then, yes);
  const thenExits = blockDefinitelyExits(node.then);
  if (node.else) {
    const no = scope.child();
    no.applyRefinements(refs.falsy);
    ctx.checkBlock(node.else, no);
    const elseExits = blockDefinitelyExits(node.else);
    if (thenExits && !elseExits) scope.applyRefinements(refs.falsy);
    else if (elseExits && !thenExits) scope.applyRefinements(refs.truthy);
  } else if (thenExits) {
    scope.applyRefinements(refs.falsy);
  }
}

function pairArgs(t: Ty | null): [Ty, Ty] | null {
  return t?.kind === "Applied" && t.name === "Pair" && t.args.length === 2 ? [t.args[0]!, t.args[1]!] : null;
}

/** The element type a `for` loop over a value of type `t` binds. */
function elementType(t: Inferred): Inferred {
  if (t === null) return null;
  if (t.kind === "List" || t.kind === "Iter" || t.kind === "Generator" || t.kind === "Stream") return t.elem;
  if (isNamed(t, "string")) return t;
  return isNamed(t, "range") ? { kind: "Named", name: "int" } : null;
}

export function checkForIn(ctx: CheckContext, node: NodeOf<"ForIn">, scope: TypeScope): void {
  ctx.checkNode(node.iterable, scope);
  const loop = scope.child();
  const iterable = inferType(node.iterable, scope);
  const { pattern } = node;
  if (pattern.kind === "Ident") {
    loop.defineVar(pattern.name, elementType(iterable));
  } else if (pattern.kind === "Pair") {
    const seq = iterable?.kind === "Iter" || iterable?.kind === "Generator" || iterable?.kind === "Stream";
    const kv = seq ? pairArgs(iterable.elem) : null;
    loop.defineVar(pattern.first, kv?.[0] ?? null);
    loop.defineVar(pattern.second, kv?.[1] ?? null);
  } else {
    checkPatternDefaults(ctx, pattern, loop);
    for (const name of patternNames(pattern)) loop.defineVar(name, null);
  }
  ctx.checkBlock(node.body, loop);
}

export function checkLoopWithCondition(ctx: CheckContext, node: NodeOf<"While">, scope: TypeScope): void {
  ctx.checkNode(node.cond, scope);
  const loop = scope.child();
  loop.applyRefinements(extractRefinements(node.cond, scope).truthy);
  ctx.checkBlock(node.body, loop);
}

/** `guard cond else { ... }`: the else block sees the falsy narrowing, the code after it the truthy one. */
export function checkGuard(ctx: CheckContext, node: NodeOf<"Guard">, scope: TypeScope): void {
  ctx.checkNode(node.cond, scope);
  const refs = extractRefinements(node.cond, scope);
  const otherwise = scope.child();
  otherwise.applyRefinements(refs.falsy);
  ctx.checkBlock(node.elseBody, otherwise);
  scope.applyRefinements(refs.truthy);
}

export function checkTryCatch(ctx: CheckContext, node: NodeOf<"TryCatch">, scope: TypeScope): void {
  ctx.checkBlock(node.body, scope.child());
  const handler = scope.child();
  if (node.errorVar !== undefined) handler.defineVar(node.errorVar, node.errorType ?? null);
  ctx.checkBlock(node.catchBody, handler);
  if (node.finallyBody) ctx.checkBlock(node.finallyBody, scope.child());
}

export function checkParallel(ctx: CheckContext, node: NodeOf<"Parallel">, scope: TypeScope): void {
  ctx.checkNode(node.expr, scope);
  for (const [, value] of node.options) ctx.checkNode(value, scope);
  const body = scope.child();
  if (node.variable !== undefined) {
    const source = node.mode === "count" ? null : inferType(node.expr, scope);
    const type: Inferred =
      node.mode === "count" ? { kind: "Named", name: "int" } : source?.kind === "List" ? source.elem : null;
    body.defineVar(node.variable, type);
  }
  ctx.checkBlock(node.body, body);
}

export function checkSelect(ctx: CheckContext, node: NodeOf<"Select">, scope: TypeScope): void {
  for (const c of node.cases) {
    ctx.checkNode(c.channel, scope);
    const body = scope.child();
    body.defineVar(c.variable, null);
    ctx.checkBlock(c.body, body);
  }
  if (node.timeout) {
    ctx.checkNode(node.timeout.duration, scope);
    ctx.checkBlock(node.timeout.body, scope.child());
  }
  if (node.defaultBody) ctx.checkBlock(node.defaultBody, scope.child());
}

export function checkTool(ctx: CheckContext, node: NodeOf<"ToolDecl">, scope: TypeScope): void {
  scope.fns.set(node.name, signatureOf(node.params, node.returnType ?? null));
  scope.defineVar(node.name, null);
  checkFnBody(ctx, {
    typeParams: [],
    params: node.params,
    returnType: node.returnType ?? null,
    body: node.body,
    whereClauses: [],
    isStream: false,
    span: node.span,
  });
}

export function checkEvalPack(ctx: CheckContext, node: NodeOf<"EvalPackDecl">, scope: TypeScope): void {
  for (const [, value] of node.fields) ctx.checkNode(value, scope);
  scope.defineVar(node.bindingName, { kind: "Named", name: "dict" });
  if (node.body.length === 0 && !node.summarize) return;
  const inner = scope.child();
  inner.defineVar("id", { kind: "Named", name: "string" });
  inner.defineVar("version", { kind: "Named", name: "int" });
  for (const [name, value] of node.fields) inner.defineVar(name, inferType(value, scope));
  ctx.checkBlock(node.body, inner);
  if (node.summarize) ctx.checkBlock(node.summarize, inner);
}
