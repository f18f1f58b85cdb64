// The checker's tree walk: one case per node kind, each delegating to the
// rule it needs (statements.ts, expressions.ts, calls.ts, declarations.ts)
// and recursing into sub-expressions. String interpolations are not
// entered (their parts are checked at run time only). After a statement
// that always exits, the rest of its block is unreachable: it is reported
// once as a warning and not checked.

import { Code, checkMessages } from "../diagnostics/messages.ts";
import type { Node } from "../syntax/ast.ts";
import { checkCall } from "./calls.ts";
import { type CheckContext, reportError, reportWarning } from "./context.ts";
import { checkFnBody, fnSignature, registerTypeDecl } from "./declarations.ts";
import {
  checkBinary,
  checkClosure,
  checkEmit,
  checkMatch,
  checkOrPattern,
  checkStructConstruct,
  checkTernary,
  checkYield,
} from "./expressions.ts";
import { stmtDefinitelyExits } from "./infer.ts";
import type { TypeScope } from "./scope.ts";
import {
  checkAssign,
  checkBinding,
  checkEvalPack,
  checkForIn,
  checkGuard,
  checkIf,
  checkLoopWithCondition,
  checkParallel,
  checkSelect,
  checkTool,
  checkTryCatch,
} from "./statements.ts";
import { checkDeclVariance } from "./variance.ts";

export function checkBlock(ctx: CheckContext, stmts: readonly Node[], scope: TypeScope): void {
  let exited = false;
  for (const stmt of stmts) {
    if (exited) {
      reportWarning(ctx, Code.UnreachableCode, checkMessages.unreachableCode(), stmt.span);
      return;
    }
    ctx.checkNode(stmt, scope);
    exited = stmtDefinitelyExits(stmt);
  }
}

function each(ctx: CheckContext, nodes: readonly (Node | undefined)[], scope: TypeScope): void {
  for (const n of nodes) if (n) ctx.checkNode(n, scope);
}

function checkNestedFn(ctx: CheckContext, node: Extract<Node, { kind: "FnDecl" }>, scope: TypeScope): void {
  scope.fns.set(node.name, fnSignature(node));
  scope.defineVar(node.name, null);
  checkDeclVariance(ctx, node);
  checkFnBody(ctx, {
    typeParams: node.typeParams,
    params: node.params,
    returnType: node.returnType ?? null,
    body: node.body,
    whereClauses: node.whereClauses,
    isStream: node.isStream,
    span: node.span,
  });
}

function inChildScope(ctx: CheckContext, body: readonly Node[], scope: TypeScope): void {
  ctx.checkBlock(body, scope.child());
}

/** Checks one statement or expression in `scope`. */
export function checkNode(ctx: CheckContext, node: Node, scope: TypeScope): void {
  switch (node.kind) {
    case "Let":
    case "Var":
      return checkBinding(ctx, node, scope);
    case "Assign":
      return checkAssign(ctx, node, scope);
    case "FnDecl":
      return checkNestedFn(ctx, node, scope);
    case "ToolDecl":
      return checkTool(ctx, node, scope);
    case "SkillDecl":
      for (const [, value] of node.fields) ctx.checkNode(value, scope);
      return scope.defineVar(node.name, null);
    case "EvalPackDecl":
      return checkEvalPack(ctx, node, scope);
    case "TypeDecl":
    case "EnumDecl":
    case "StructDecl":
    case "InterfaceDecl":
      registerTypeDecl(scope, node);
      return checkDeclVariance(ctx, node);
    case "ImplBlock":
      registerTypeDecl(scope, node);
      return each(ctx, node.methods, scope);
    case "Pipeline":
    case "OverrideDecl":
      ctx.fnDepth++;
      inChildScope(ctx, node.body, scope);
      ctx.fnDepth--;
      return;
    case "AttributedDecl":
      return ctx.checkNode(node.inner, scope);
    case "Call":
      checkCall(ctx, node, scope);
      return each(ctx, node.args, scope);
    case "If":
      return checkIf(ctx, node, scope);
    case "ForIn":
      return checkForIn(ctx, node, scope);
    case "While":
      return checkLoopWithCondition(ctx, node, scope);
    case "Guard":
      return checkGuard(ctx, node, scope);
    case "Match":
      return checkMatch(ctx, node, scope);
    case "TryCatch":
      return checkTryCatch(ctx, node, scope);
    case "Parallel":
      return checkParallel(ctx, node, scope);
    case "Select":
      return checkSelect(ctx, node, scope);
    case "Binary":
      return checkBinary(ctx, node, scope);
    case "Ternary":
      return checkTernary(ctx, node, scope);
    case "OrPattern":
      return checkOrPattern(ctx, node, scope);
    case "StructConstruct":
      return checkStructConstruct(ctx, node, scope);
    case "Closure":
      return checkClosure(ctx, node, scope);
    case "Yield":
      return checkYield(ctx, node, scope);
    case "Emit":
      return checkEmit(ctx, node, scope);
    case "TryStar":
      if (ctx.fnDepth === 0)
        reportError(ctx, Code.TryStarOutsideFunction, checkMessages.tryStarOutsideFunction(), node.span);
      return ctx.checkNode(node.operand, scope);
    case "TryExpr":
    case "Spawn":
    case "Mutex":
    case "Defer":
    case "Block":
      return inChildScope(ctx, node.body, scope);
    case "Deadline":
      ctx.checkNode(node.duration, scope);
      return inChildScope(ctx, node.body, scope);
    case "Retry":
      ctx.checkNode(node.count, scope);
      return inChildScope(ctx, node.body, scope);
    case "Require":
      return each(ctx, [node.cond, node.message], scope);
    case "Return":
      return each(ctx, [node.value], scope);
    case "Throw":
      return ctx.checkNode(node.value, scope);
    case "TryOp":
    case "Unary":
      return ctx.checkNode(node.operand, scope);
    case "MethodCall":
      return each(ctx, [node.object, ...node.args], scope);
    case "Property":
      return ctx.checkNode(node.object, scope);
    case "Subscript":
      return each(ctx, [node.object, node.index], scope);
    case "Slice":
      return each(ctx, [node.object, node.start, node.end], scope);
    case "Range":
      return each(ctx, [node.start, node.end], scope);
    case "List":
      return each(ctx, node.elements, scope);
    case "Dict":
      for (const entry of node.entries) each(ctx, [entry.key ?? undefined, entry.value], scope);
      return;
    case "Spread":
      return ctx.checkNode(node.expr, scope);
    case "Import":
    case "SelectiveImport":
    case "Interp":
    case "Str":
    case "Int":
    case "Float":
    case "Duration":
    case "Bool":
    case "Nil":
    case "Ident":
    case "Break":
    case "Continue":
      return;
    default:
      return unreachable(node);
  }
}

function unreachable(node: never): never {
  throw new Error(`checker: unhandled node ${(node as Node).kind}`);
}
