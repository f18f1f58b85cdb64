// Checks of expressions: operator operand types (spec: "Operators" —
// `+` on numbers, strings, lists or dicts; `-` `/` `%` `**` on numbers;
// `*` on numbers or string * int), `match` arms (narrowed per arm, then
// exhaustiveness), struct construction field types, closures, and the
// `yield`/`emit` split between generators and `gen fn` streams.

import { Code, checkMessages } from "../diagnostics/messages.ts";
import type { Node, NodeOf } from "../syntax/ast.ts";
import { type CheckContext, reportError } from "./context.ts";
import { checkMatchExhaustiveness } from "./exhaustiveness.ts";
import { bindCallTypeParams, inferType } from "./infer.ts";
import {
  discriminantField,
  extractRefinements,
  narrowShapeUnionByArm,
  narrowUnionByArm,
  shapeMembers,
} from "./narrowing.ts";
import type { TypeScope } from "./scope.ts";
import { resolveAlias, typesCompatible } from "./subtype.ts";
import { applyBindings, formatType } from "./types.ts";

const NUMERIC = new Set(["int", "float"]);

/** Reports an operator applied to operand types it is not defined for. */
function checkOperands(ctx: CheckContext, node: NodeOf<"Binary">, scope: TypeScope): void {
  const l = inferType(node.left, scope);
  const r = inferType(node.right, scope);
  if (l?.kind !== "Named" || r?.kind !== "Named") return;
  const [a, b] = [l.name, r.name];
  // `any` opts out of checking (an unannotated generator yields `any`).
  if (a === "any" || b === "any") return;
  const numeric = NUMERIC.has(a) && NUMERIC.has(b);
  let message: string | null = null;
  switch (node.op) {
    case "+":
      if (!numeric && !(a === b && ["string", "list", "dict"].includes(a)))
        message = checkMessages.cannotAdd(a, b);
      break;
    case "-":
    case "/":
    case "%":
    case "**":
      if (!numeric) message = checkMessages.needsNumeric(node.op, a, b);
      break;
    case "*":
      if (!numeric && !((a === "string" && b === "int") || (a === "int" && b === "string"))) {
        message = checkMessages.cannotMultiply(a, b);
      }
      break;
    default:
      break;
  }
  if (message !== null) reportError(ctx, Code.InvalidOperands, message, node.span);
}

export function checkBinary(ctx: CheckContext, node: NodeOf<"Binary">, scope: TypeScope): void {
  ctx.checkNode(node.left, scope);
  ctx.checkNode(node.right, scope);
  checkOperands(ctx, node, scope);
}

/** Operator checks only, for expressions that get no other checks (destructuring defaults). */
export function checkBinops(ctx: CheckContext, node: Node, scope: TypeScope): void {
  if (node.kind === "Binary") {
    checkBinops(ctx, node.left, scope);
    checkBinops(ctx, node.right, scope);
    checkOperands(ctx, node, scope);
  } else if (node.kind === "Unary") {
    checkBinops(ctx, node.operand, scope);
  }
}

export function checkTernary(ctx: CheckContext, node: NodeOf<"Ternary">, scope: TypeScope): void {
  ctx.checkNode(node.cond, scope);
  const refs = extractRefinements(node.cond, scope);
  const yes = scope.child();
  yes.applyRefinements(refs.truthy);
  ctx.checkNode(node.then, yes);
  const no = scope.child();
  no.applyRefinements(refs.falsy);
  ctx.checkNode(node.else, no);
}

/** The scope of one arm: the subject narrowed to what the arm's literal pattern selects. */
function armScope(value: Node, pattern: Node, scope: TypeScope): TypeScope {
  const arm = scope.child();
  if (value.kind === "Ident") {
    const t = scope.getVar(value.name);
    const narrowed = t?.kind === "Union" ? narrowUnionByArm(pattern, t.types) : null;
    if (narrowed !== null) arm.defineVar(value.name, narrowed);
  }
  if (value.kind === "Property" && !value.optional && value.object.kind === "Ident") {
    const raw = scope.getVar(value.object.name);
    const resolved = raw ? resolveAlias(raw, scope) : null;
    if (resolved?.kind === "Union") {
      const members = shapeMembers(resolved.types, scope);
      const narrowed =
        discriminantField(members) === value.name
          ? narrowShapeUnionByArm(pattern, members, value.name)
          : null;
      if (narrowed !== null) arm.defineVar(value.object.name, narrowed);
    }
  }
  return arm;
}

export function checkMatch(ctx: CheckContext, node: NodeOf<"Match">, scope: TypeScope): void {
  ctx.checkNode(node.value, scope);
  for (const arm of node.arms) {
    ctx.checkNode(arm.pattern, scope);
    const inner = armScope(node.value, arm.pattern, scope);
    if (arm.guard) ctx.checkNode(arm.guard, inner);
    ctx.checkBlock(arm.body, inner);
  }
  checkMatchExhaustiveness(ctx, node.value, node.arms, scope, node.span);
}

function isLiteralPattern(node: Node): boolean {
  switch (node.kind) {
    case "Str":
    case "Int":
    case "Float":
    case "Bool":
    case "Nil":
      return true;
    case "Unary":
      return node.op === "-" && (node.operand.kind === "Int" || node.operand.kind === "Float");
    case "Ident":
      return node.name === "_";
    default:
      return false;
  }
}

export function checkOrPattern(ctx: CheckContext, node: NodeOf<"OrPattern">, scope: TypeScope): void {
  for (const alt of node.alternatives) {
    if (!isLiteralPattern(alt))
      reportError(ctx, Code.InvalidOrPattern, checkMessages.orPatternNotLiteral(), alt.span);
    ctx.checkNode(alt, scope);
  }
}

export function checkStructConstruct(
  ctx: CheckContext,
  node: NodeOf<"StructConstruct">,
  scope: TypeScope,
): void {
  for (const entry of node.fields) {
    if (entry.key) ctx.checkNode(entry.key, scope);
    ctx.checkNode(entry.value, scope);
  }
  const info = scope.getStruct(node.name);
  if (!info) return;
  const typed = info.fields.filter((f) => f.type !== undefined);
  const values = typed.map(
    (f) => node.fields.find((e) => e.key?.kind === "Str" && e.key.value === f.name)?.value,
  );
  const present = typed.flatMap((f, i) => (values[i] ? [{ field: f, value: values[i]! }] : []));
  const bindings = bindCallTypeParams(
    info.typeParams.map((p) => p.name),
    present.map((p) => p.field.type!),
    [],
    present.map((p) => p.value),
    scope,
  );
  for (const { field, value } of present) {
    const actual = inferType(value, scope);
    if (actual === null) continue;
    const expected = applyBindings(field.type!, bindings);
    if (!typesCompatible(expected, actual, scope)) {
      const message = checkMessages.structFieldMismatch(
        field.name,
        node.name,
        formatType(expected),
        formatType(actual),
      );
      reportError(ctx, Code.StructFieldTypeMismatch, message, value.span);
    }
  }
}

export function checkClosure(ctx: CheckContext, node: NodeOf<"Closure">, scope: TypeScope): void {
  const inner = scope.child();
  for (const p of node.params) inner.defineVar(p.name, p.type ?? null);
  ctx.fnDepth++;
  const savedStreams = ctx.streamEmitTypes;
  ctx.streamEmitTypes = [];
  ctx.checkBlock(node.body, inner);
  ctx.streamEmitTypes = savedStreams;
  ctx.fnDepth--;
}

export function checkYield(ctx: CheckContext, node: NodeOf<"Yield">, scope: TypeScope): void {
  if (ctx.streamEmitTypes.length > 0)
    reportError(ctx, Code.MisplacedStreamOp, checkMessages.yieldInGenFn(), node.span);
  if (node.value) ctx.checkNode(node.value, scope);
}

export function checkEmit(ctx: CheckContext, node: NodeOf<"Emit">, scope: TypeScope): void {
  ctx.checkNode(node.value, scope);
  if (ctx.streamEmitTypes.length === 0) {
    reportError(ctx, Code.MisplacedStreamOp, checkMessages.emitOutsideGenFn(), node.span);
    return;
  }
  const expected = ctx.streamEmitTypes.at(-1);
  const actual = expected ? inferType(node.value, scope) : null;
  if (expected && actual !== null && !typesCompatible(expected, actual, scope)) {
    const message = checkMessages.emitMismatch(formatType(expected), formatType(actual));
    reportError(ctx, Code.MisplacedStreamOp, message, node.span);
  }
}
