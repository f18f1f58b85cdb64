// Call-site checks for `name(args)`: the target must exist (a builtin, a
// host global, a declaration, a variable or an imported name — with a
// "did you mean" hint for near misses), explicit type arguments must fit,
// arguments must be assignable to typed parameters after binding the
// callee's type parameters, and bound type parameters must satisfy their
// `where T: Interface` constraints. `unreachable(x)` additionally requires
// `x` to have been narrowed to `never`.

import { Code, checkMessages, messages } from "../diagnostics/messages.ts";
import type { Node } from "../syntax/ast.ts";
import { builtinNames, isBuiltinName } from "./builtin-signatures.ts";
import { type CheckContext, reportError, reportWarning } from "./context.ts";
import { bindCallTypeParams, inferType } from "./infer.ts";
import type { TypeScope } from "./scope.ts";
import { closestMatch } from "./suggest.ts";
import { interfaceMismatchReason, typesCompatible } from "./subtype.ts";
import { applyBindings, baseTypeName, formatType, type Ty } from "./types.ts";

type CallNode = Extract<Node, { kind: "Call" }>;

const VALUE_CONSTRUCTORS = new Set(["Ok", "Err", "Some", "None"]);

function isResolvable(ctx: CheckContext, name: string, scope: TypeScope): boolean {
  return (
    ctx.knownNames.has(name) ||
    isBuiltinName(name) ||
    ctx.boundNames.has(name) ||
    ctx.importedNames?.has(name) === true ||
    VALUE_CONSTRUCTORS.has(name) ||
    name.startsWith("__") ||
    name.startsWith("hostlib_") ||
    scope.getFn(name) !== undefined ||
    scope.getStruct(name) !== undefined ||
    scope.getEnum(name) !== undefined ||
    scope.getVar(name) !== undefined ||
    scope.isGeneric(name)
  );
}

function checkTarget(ctx: CheckContext, node: CallNode, scope: TypeScope): void {
  if (ctx.importedNames === null || isResolvable(ctx, node.name, scope)) return;
  const builtins = [...new Set([...builtinNames(), ...ctx.knownNames])].sort();
  const candidates = [...builtins, ...scope.allFnNames(), ...ctx.importedNames];
  const suggestion = closestMatch(node.name, candidates, 2);
  if (suggestion === null) {
    reportError(ctx, Code.UndefinedCallTarget, messages.undefinedCallTarget(node.name), node.span);
    return;
  }
  const message = checkMessages.undefinedCallTargetSuggest(node.name, suggestion);
  reportError(ctx, Code.UndefinedCallTarget, message, node.span, `did you mean \`${suggestion}\`?`);
}

function checkUnreachable(ctx: CheckContext, node: CallNode, scope: TypeScope): void {
  const arg = node.args[0];
  if (arg?.kind !== "Ident") return;
  const t = inferType(arg, scope);
  if (t !== null && t.kind !== "Never") {
    reportError(ctx, Code.UnhandledCases, checkMessages.unreachableNotNever(formatType(t)), node.span);
  }
}

function checkWhereClauses(
  ctx: CheckContext,
  node: CallNode,
  clauses: readonly { typeName: string; bound: string }[],
  bindings: ReadonlyMap<string, Ty>,
  scope: TypeScope,
): void {
  for (const { typeName, bound } of clauses) {
    const concrete = bindings.get(typeName);
    if (concrete === undefined) continue;
    const shown = formatType(concrete);
    const base = baseTypeName(concrete);
    if (base === null) {
      reportError(
        ctx,
        Code.InterfaceNotSatisfied,
        checkMessages.onlyNamedTypesSatisfy(shown, bound, typeName),
        node.span,
      );
      continue;
    }
    // A type we cannot see (imported, undeclared) might satisfy the bound.
    if (!scope.isDeclaredType(base) && !["int", "float", "string", "bool", "nil"].includes(base)) continue;
    const reason = interfaceMismatchReason(base, bound, new Map(), scope);
    if (reason !== null) {
      const message = checkMessages.interfaceNotSatisfied(shown, bound, reason, typeName);
      reportError(ctx, Code.InterfaceNotSatisfied, message, node.span);
    }
  }
}

/** Checks one call `name(args)`; the arguments themselves are walked by the caller. */
export function checkCall(ctx: CheckContext, node: CallNode, scope: TypeScope): void {
  checkTarget(ctx, node, scope);
  if (node.name === "unreachable") return checkUnreachable(ctx, node, scope);
  const sig = scope.getFn(node.name);
  if (!sig) return;
  const { typeArgs, args } = node;
  if (typeArgs.length > 0 && sig.typeParams.length === 0) {
    reportError(ctx, Code.TypeArgumentCount, checkMessages.noTypeParams(node.name), node.span);
  } else if (typeArgs.length > 0 && typeArgs.length !== sig.typeParams.length) {
    const message = checkMessages.typeArgCount(node.name, sig.typeParams.length, typeArgs.length);
    reportError(ctx, Code.TypeArgumentCount, message, node.span);
  }
  const arityOk = sig.hasRest || args.some((a) => a.kind === "Spread") || isBuiltinName(node.name);
  if (!arityOk && (args.length < sig.requiredParams || args.length > sig.params.length)) {
    const n = sig.params.length;
    const expected = sig.requiredParams === n ? String(n) : `${sig.requiredParams}-${n}`;
    reportWarning(
      ctx,
      Code.ArgumentCount,
      checkMessages.argumentCount(node.name, expected, args.length),
      node.span,
    );
  }
  const callScope = scope.child();
  for (const p of sig.typeParams) callScope.generics.add(p);
  const params = sig.params.map((p) => p.type);
  const bindings = bindCallTypeParams(sig.typeParams, params, typeArgs, args, scope, (message, arg) =>
    reportError(ctx, Code.GenericBindingConflict, message, arg.span),
  );
  args.forEach((arg, i) => {
    const param = sig.params[i];
    if (!param?.type) return;
    const actual = inferType(arg, scope);
    if (actual === null) return;
    const expected = applyBindings(param.type, bindings);
    if (!typesCompatible(expected, actual, callScope)) {
      const message = checkMessages.argumentMismatch(
        i + 1,
        param.name,
        formatType(expected),
        formatType(actual),
      );
      reportError(ctx, Code.ArgumentTypeMismatch, message, arg.span);
    }
  });
  checkWhereClauses(ctx, node, sig.whereClauses, bindings, scope);
}
