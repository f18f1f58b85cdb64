// Declarations and callable bodies. Before the walk, type-level
// declarations (aliases, enums, structs, interfaces, impl blocks) of the
// top level and of pipeline bodies are registered, and every fn/pipeline/
// tool/let name is pre-registered so forward references resolve. A
// function body is checked in a child of the program scope (its own type
// parameters are wildcards there); afterwards each `return` reachable
// through `if`/`else` is checked against the declared return type, using
// the parameter types (spec: "Function declarations", "Generators and
// streams": a `gen fn` returns `Stream<T>`, a fn that yields a Generator).

import { Code, checkMessages } from "../diagnostics/messages.ts";
import type { Span } from "../diagnostics/span.ts";
import type { Node, NodeOf, Param, TypeParam, WhereClause } from "../syntax/ast.ts";
import { type CheckContext, reportError } from "./context.ts";
import { blockDefinitelyExits, inferType } from "./infer.ts";
import { extractRefinements } from "./narrowing.ts";
import type { FnSig, ImplMethodSig, TypeScope } from "./scope.ts";
import { typesCompatible } from "./subtype.ts";
import { formatType, named, type Ty } from "./types.ts";

/** Does this body (not counting nested functions) contain `yield`? */
export function bodyContainsYield(nodes: readonly Node[]): boolean {
  return nodes.some(nodeContainsYield);
}

function nodeContainsYield(node: Node): boolean {
  switch (node.kind) {
    case "Yield":
      return true;
    case "Block":
    case "Spawn":
    case "Retry":
    case "Defer":
    case "Mutex":
    case "Parallel":
    case "TryExpr":
    case "ForIn":
    case "While":
      return bodyContainsYield(node.body);
    case "If":
      return bodyContainsYield(node.then) || bodyContainsYield(node.else ?? []);
    case "TryCatch":
      return (
        bodyContainsYield(node.body) ||
        bodyContainsYield(node.catchBody) ||
        bodyContainsYield(node.finallyBody ?? [])
      );
    case "Match":
      return node.arms.some((arm) => bodyContainsYield(arm.body));
    default:
      return false;
  }
}

/** What calling the function produces: `Stream<T>` for `gen fn`, a Generator when it yields. */
export function callableReturnType(fn: NodeOf<"FnDecl">): Ty | null {
  if (fn.isStream) return fn.returnType ?? { kind: "Stream", elem: named("any") };
  if (bodyContainsYield(fn.body)) return fn.returnType ?? { kind: "Generator", elem: named("any") };
  return fn.returnType ?? null;
}

export function signatureOf(
  params: readonly Param[],
  returnType: Ty | null,
  typeParams: readonly TypeParam[] = [],
  whereClauses: readonly WhereClause[] = [],
): FnSig {
  return {
    params: params.map((p) => ({ name: p.name, type: p.type ?? null })),
    returnType,
    typeParams: typeParams.map((p) => p.name),
    requiredParams: params.filter((p) => p.defaultValue === undefined).length,
    whereClauses,
    hasRest: params.at(-1)?.rest === true,
  };
}

export function fnSignature(fn: NodeOf<"FnDecl">): FnSig {
  return signatureOf(fn.params, callableReturnType(fn), fn.typeParams, fn.whereClauses);
}

const EMPTY_SIG = signatureOf([], null);

function implSignatures(methods: readonly Node[]): ImplMethodSig[] {
  return methods.flatMap((m): ImplMethodSig[] => {
    if (m.kind !== "FnDecl") return [];
    const params = m.params.filter((p) => p.name !== "self");
    return [
      { name: m.name, paramTypes: params.map((p) => p.type ?? null), returnType: m.returnType ?? null },
    ];
  });
}

/** Registers one type-level declaration in `scope`; false for other nodes. */
export function registerTypeDecl(scope: TypeScope, node: Node): boolean {
  switch (node.kind) {
    case "TypeDecl":
      scope.aliases.set(node.name, { typeParams: node.typeParams, body: node.type });
      return true;
    case "EnumDecl":
      scope.enums.set(node.name, { typeParams: node.typeParams, variants: node.variants });
      return true;
    case "StructDecl":
      scope.structs.set(node.name, { typeParams: node.typeParams, fields: node.fields });
      return true;
    case "InterfaceDecl":
      scope.interfaces.set(node.name, {
        typeParams: node.typeParams,
        associatedTypes: node.associatedTypes,
        methods: node.methods,
      });
      return true;
    case "ImplBlock":
      scope.impls.set(node.typeName, implSignatures(node.methods));
      return true;
    default:
      return false;
  }
}

/** Registers the type declarations of the top level and of pipeline bodies. */
export function registerDeclarations(scope: TypeScope, program: readonly Node[]): void {
  for (const node of program) registerTypeDecl(scope, node);
  for (const node of program)
    if (node.kind === "Pipeline") for (const n of node.body) registerTypeDecl(scope, n);
}

/** Pre-registers callables and `let` names (top level and fn/pipeline/tool bodies) for forward references. */
export function registerCallablePlaceholders(scope: TypeScope, nodes: readonly Node[]): void {
  for (const outer of nodes) {
    const node = outer.kind === "AttributedDecl" ? outer.inner : outer;
    switch (node.kind) {
      case "FnDecl":
        scope.fns.set(node.name, fnSignature(node));
        registerCallablePlaceholders(scope, node.body);
        break;
      case "Pipeline":
      case "ToolDecl":
        scope.fns.set(node.name, EMPTY_SIG);
        registerCallablePlaceholders(scope, node.body);
        break;
      case "SkillDecl":
        scope.defineVar(node.name, null);
        break;
      case "EvalPackDecl":
        scope.defineVar(node.bindingName, named("dict"));
        registerCallablePlaceholders(scope, node.body);
        registerCallablePlaceholders(scope, node.summarize ?? []);
        break;
      case "Let":
      case "Var":
        if (node.pattern.kind === "Ident") scope.defineVar(node.pattern.name, null);
        break;
      default:
        break;
    }
  }
}

/** Checks `return` statements (directly or under if/else) against `expected`. */
export function checkReturnType(ctx: CheckContext, stmt: Node, expected: Ty, scope: TypeScope): void {
  if (stmt.kind === "Return" && stmt.value) {
    const actual = inferType(stmt.value, scope);
    if (actual !== null && !typesCompatible(expected, actual, scope)) {
      const message = checkMessages.returnMismatch(formatType(expected), formatType(actual));
      reportError(ctx, Code.ReturnTypeMismatch, message, stmt.span);
    }
    return;
  }
  if (stmt.kind !== "If") return;
  const refs = extractRefinements(stmt.cond, scope);
  const yes = scope.child();
  yes.applyRefinements(refs.truthy);
  for (const s of stmt.then) checkReturnType(ctx, s, expected, yes);
  const thenExits = blockDefinitelyExits(stmt.then);
  if (stmt.else) {
    const no = scope.child();
    no.applyRefinements(refs.falsy);
    for (const s of stmt.else) checkReturnType(ctx, s, expected, no);
    const elseExits = blockDefinitelyExits(stmt.else);
    if (thenExits && !elseExits) scope.applyRefinements(refs.falsy);
    else if (elseExits && !thenExits) scope.applyRefinements(refs.truthy);
  } else if (thenExits) {
    scope.applyRefinements(refs.falsy);
  }
}

export interface CallableBody {
  readonly typeParams: readonly TypeParam[];
  readonly params: readonly Param[];
  readonly returnType: Ty | null;
  readonly body: readonly Node[];
  readonly whereClauses: readonly WhereClause[];
  readonly isStream: boolean;
  readonly span: Span;
}

function bodyScope(ctx: CheckContext, fn: CallableBody): TypeScope {
  const scope = ctx.global.child();
  for (const p of fn.typeParams) scope.generics.add(p.name);
  for (const p of fn.params) scope.defineVar(p.name, p.type ?? null);
  return scope;
}

/** Checks a fn/tool body and its returns; the body sees the program scope, not the caller's locals. */
export function checkFnBody(ctx: CheckContext, fn: CallableBody): void {
  ctx.fnDepth++;
  const savedStreams = ctx.streamEmitTypes;
  ctx.streamEmitTypes = fn.isStream
    ? [...savedStreams, fn.returnType?.kind === "Stream" ? fn.returnType.elem : null]
    : [];
  const scope = bodyScope(ctx, fn);
  for (const p of fn.params) if (p.defaultValue) ctx.checkNode(p.defaultValue, scope);
  const returnScope = fn.returnType ? bodyScope(ctx, fn) : null;
  ctx.checkBlock(fn.body, scope);
  if (fn.isStream && fn.returnType && fn.returnType.kind !== "Stream") {
    reportError(
      ctx,
      Code.MisplacedStreamOp,
      checkMessages.genFnMustReturnStream(formatType(fn.returnType)),
      fn.span,
    );
  }
  if (fn.returnType && returnScope)
    for (const s of fn.body) checkReturnType(ctx, s, fn.returnType, returnScope);
  ctx.streamEmitTypes = savedStreams;
  ctx.fnDepth--;
}

/** A top-level pipeline: parameters are untyped; an annotated return type is checked. */
export function checkPipeline(ctx: CheckContext, node: NodeOf<"Pipeline">): void {
  const paramScope = (): TypeScope => {
    const scope = ctx.global.child();
    for (const p of node.params) scope.defineVar(p, null);
    return scope;
  };
  ctx.fnDepth++;
  const returnScope = paramScope();
  ctx.checkBlock(node.body, paramScope());
  if (node.returnType) for (const s of node.body) checkReturnType(ctx, s, node.returnType, returnScope);
  ctx.fnDepth--;
}
