// Expression typing without diagnostics: `inferType(node, scope)` returns
// the static type of an expression, or null when it is not known (gradual
// typing — spec: "Type annotations"). Inference is deliberately no bolder
// than the rules it mirrors: whenever part of an expression is unknown and
// the result would otherwise be a guess (a `??` with an unknown left side,
// an `if` with an unknown branch), the result is unknown too, because an
// unknown type can never produce a false error.

import type { Node } from "../syntax/ast.ts";
import { builtinReturnType } from "./builtin-signatures.ts";
import { inferMethodResult } from "./infer-methods.ts";
import { extractRefinements } from "./narrowing.ts";
import type { EnumInfo, FnSig, StructInfo, TypeScope } from "./scope.ts";
import { extractTypeBindings } from "./subtype.ts";
import {
  applyBindings,
  baseTypeName,
  type Inferred,
  isNamed,
  isWildcard,
  joinTypes,
  NEVER,
  named,
  simplifyUnion,
  type Ty,
  typeEquals,
  WILDCARD,
} from "./types.ts";

/** Builtins whose result type depends on a schema argument: not inferred here. */
const SCHEMA_GENERIC_BUILTINS = new Set([
  "ask_user",
  "dual_control",
  "escalate_to",
  "hitl_pending",
  "llm_call",
  "llm_completion",
  "llm_call_structured",
  "llm_call_structured_result",
  "project_fingerprint",
  "request_approval",
  "schema_parse",
  "schema_check",
  "schema_expect",
  "handler_context",
  "trust_graph_policy_for",
  "trust_graph_query",
  "trust_graph_record",
  "trust_graph_verify_chain",
  "trust_query",
  "trust_record",
  "trigger_fire",
  "trigger_inspect_action_graph",
  "trigger_inspect_dlq",
  "trigger_inspect_lifecycle",
  "trigger_list",
  "trigger_register",
  "trigger_replay",
]);

export function stmtDefinitelyExits(stmt: Node): boolean {
  switch (stmt.kind) {
    case "Return":
    case "Throw":
    case "Break":
    case "Continue":
      return true;
    case "If":
      return stmt.else !== undefined && blockDefinitelyExits(stmt.then) && blockDefinitelyExits(stmt.else);
    default:
      return false;
  }
}

export function blockDefinitelyExits(stmts: readonly Node[]): boolean {
  return stmts.some(stmtDefinitelyExits);
}

/** The static type of expression `node`, or null when unknown. */
export function inferType(node: Node, scope: TypeScope): Inferred {
  const t = inferRaw(node, scope);
  return t !== null && isWildcard(t) ? null : t;
}

/** The type of a block's value: `never` when it always exits, else its last statement's. */
export function inferBlockType(stmts: readonly Node[], scope: TypeScope): Inferred {
  if (blockDefinitelyExits(stmts)) return NEVER;
  const last = stmts.at(-1);
  return last === undefined ? null : inferType(last, scope);
}

/** Binds a generic callee's type parameters from the argument types. */
export function bindCallTypeParams(
  typeParams: readonly string[],
  params: readonly (Ty | null)[],
  typeArgs: readonly Ty[],
  args: readonly Node[],
  scope: TypeScope,
  onError?: (message: string, arg: Node) => void,
): Map<string, Ty> {
  const bindings = new Map<string, Ty>();
  if (typeArgs.length === typeParams.length)
    for (const [i, p] of typeParams.entries()) bindings.set(p, typeArgs[i]!);
  const set = new Set(typeParams);
  args.forEach((arg, i) => {
    const param = params[i];
    const actual = param ? inferType(arg, scope) : null;
    if (!param || actual === null) return;
    const err = extractTypeBindings(param, actual, set, bindings);
    if (err !== null) onError?.(err, arg);
  });
  return bindings;
}

function applied(name: string, args: Ty[]): Ty {
  return args.length === 0 ? named(name) : { kind: "Applied", name, args };
}

function inferEnumType(
  name: string,
  info: EnumInfo,
  variant: string,
  args: readonly Node[],
  scope: TypeScope,
): Ty {
  const fields = info.variants.find((v) => v.name === variant)?.fields ?? [];
  const bindings = bindCallTypeParams(
    info.typeParams.map((p) => p.name),
    fields.map((f) => f.type ?? null),
    [],
    args.slice(0, fields.length),
    scope,
  );
  return applied(
    name,
    info.typeParams.map((p) => bindings.get(p.name) ?? WILDCARD),
  );
}

function inferStructType(
  name: string,
  info: StructInfo,
  node: Extract<Node, { kind: "StructConstruct" }>,
  scope: TypeScope,
): Ty {
  const fields = info.fields.filter((f) => f.type !== undefined);
  const values = fields.map(
    (f) => node.fields.find((e) => e.key?.kind === "Str" && e.key.value === f.name)?.value,
  );
  const bindings = new Map<string, Ty>();
  const set = new Set(info.typeParams.map((p) => p.name));
  fields.forEach((f, i) => {
    const v = values[i];
    const actual = v ? inferType(v, scope) : null;
    if (actual !== null) extractTypeBindings(f.type!, actual, set, bindings);
  });
  return applied(
    name,
    info.typeParams.map((p) => bindings.get(p.name) ?? WILDCARD),
  );
}

function fnValueType(sig: FnSig): Ty {
  return { kind: "Fn", params: sig.params.map((p) => p.type ?? WILDCARD), ret: sig.returnType ?? WILDCARD };
}

function inferList(items: readonly Node[], scope: TypeScope): Ty {
  let elem: Ty | null = null;
  for (const item of items) {
    const t = inferType(item, scope);
    if (t === null) return named("list");
    if (elem === null) elem = t;
    else if (elem.kind === "Union")
      elem = elem.types.some((m) => typeEquals(m, t)) ? elem : { kind: "Union", types: [...elem.types, t] };
    else elem = joinTypes(elem, t);
  }
  return elem === null ? named("list") : { kind: "List", elem };
}

function inferDict(node: Extract<Node, { kind: "Dict" }>, scope: TypeScope): Ty {
  const fields = [];
  for (const entry of node.entries) {
    if (entry.key?.kind !== "Str" || entry.key.raw) return named("dict");
    fields.push({ name: entry.key.value, type: inferType(entry.value, scope) ?? WILDCARD, optional: false });
  }
  return fields.length > 0 ? { kind: "Shape", fields } : named("dict");
}

function inferCall(node: Extract<Node, { kind: "Call" }>, scope: TypeScope): Inferred {
  const { name, args } = node;
  const struct = scope.getStruct(name);
  if (struct)
    return applied(
      name,
      struct.typeParams.map(() => WILDCARD),
    );
  if (name === "Ok" || name === "Err") {
    const arg = args[0] ? (inferType(args[0], scope) ?? WILDCARD) : WILDCARD;
    return { kind: "Applied", name: "Result", args: name === "Ok" ? [arg, WILDCARD] : [WILDCARD, arg] };
  }
  const sig = scope.getFn(name);
  if (sig) {
    if (sig.returnType === null || sig.typeParams.length === 0) return sig.returnType;
    const params = sig.params.map((p) => p.type);
    return applyBindings(
      sig.returnType,
      bindCallTypeParams(sig.typeParams, params, node.typeArgs, args, scope),
    );
  }
  // `schema_of(Alias)` is a `Schema<Alias>`, which we do not model.
  if (SCHEMA_GENERIC_BUILTINS.has(name) || (name === "schema_of" && args[0]?.kind === "Ident")) return null;
  return builtinReturnType(name);
}

/** The result type of `l op r` (also the value of a compound assignment). */
export function inferBinaryOp(op: string, l: Inferred, r: Inferred): Inferred {
  if (["==", "!=", "<", ">", "<=", ">=", "&&", "||", "in", "not_in"].includes(op)) return named("bool");
  if (op === "??") {
    if (l === null) return null;
    if (l.kind === "Union") {
      const rest = l.types.filter((m) => !isNamed(m, "nil"));
      if (rest.length === 0) return r;
      return rest.length === 1 ? rest[0]! : { kind: "Union", types: rest };
    }
    return isNamed(l, "nil") ? r : l;
  }
  if (l?.kind !== "Named" || r?.kind !== "Named") return null;
  const [a, b] = [l.name, r.name];
  const numeric = (): Inferred =>
    a === "int" && b === "int" ? named("int") : a === "float" || b === "float" ? named("float") : null;
  switch (op) {
    case "+":
      if (a === b && ["string", "list", "dict"].includes(a)) return named(a);
      return numeric();
    case "-":
    case "/":
    case "%":
    case "**":
      return numeric();
    case "*":
      if ((a === "string" && b === "int") || (a === "int" && b === "string")) return named("string");
      return numeric();
    default:
      return null;
  }
}

function inferProperty(node: Extract<Node, { kind: "Property" }>, scope: TypeScope): Inferred {
  if (node.optional) return null;
  const { object, name } = node;
  if (object.kind === "Ident") {
    const info = scope.getEnum(object.name);
    if (info) return inferEnumType(object.name, info, name, [], scope);
  }
  const obj = inferType(object, scope);
  if (name === "variant" && obj !== null) {
    const base = baseTypeName(obj);
    if (base !== null && scope.getEnum(base)) return named("string");
  }
  if (obj?.kind === "Applied" && obj.name === "Pair" && obj.args.length === 2) {
    if (name === "first") return obj.args[0]!;
    if (name === "second") return obj.args[1]!;
  }
  if (obj?.kind === "Shape") return obj.fields.find((f) => f.name === name)?.type ?? null;
  return null;
}

function inferSubscript(node: Extract<Node, { kind: "Subscript" }>, scope: TypeScope): Inferred {
  if (node.optional) return null;
  const obj = inferType(node.object, scope);
  if (obj?.kind === "List") return obj.elem;
  if (obj?.kind === "Dict") return obj.value;
  if (obj?.kind === "Shape") {
    const key = node.index.kind === "Str" && !node.index.raw ? node.index.value : null;
    return obj.fields.find((f) => f.name === key)?.type ?? null;
  }
  return isNamed(obj, "string") ? named("string") : null;
}

function inferMethodCall(node: Extract<Node, { kind: "MethodCall" }>, scope: TypeScope): Inferred {
  const { object, method, args } = node;
  if (object.kind === "Ident") {
    const info = scope.getEnum(object.name);
    if (info) return inferEnumType(object.name, info, method, args, scope);
  }
  return inferMethodResult(inferType(object, scope), method);
}

function inferBranches(a: Inferred, b: Inferred): Inferred {
  if (a === null || b === null) return null;
  if (a.kind === "Never") return b;
  if (b.kind === "Never") return a;
  return typeEquals(a, b) ? a : simplifyUnion([a, b]);
}

function inferRaw(node: Node, scope: TypeScope): Inferred {
  switch (node.kind) {
    case "Int":
      return named("int");
    case "Float":
      return named("float");
    case "Str":
      return node.raw ? null : named("string");
    case "Interp":
      return named("string");
    case "Bool":
      return named("bool");
    case "Nil":
      return named("nil");
    case "List":
      return inferList(node.elements, scope);
    case "Range":
      return named("range");
    case "Dict":
      return inferDict(node, scope);
    case "Closure": {
      if (node.params.length === 0 || !node.params.every((p) => p.type)) return named("closure");
      const last = node.body.at(-1);
      const ret = last ? inferType(last, scope) : null;
      return ret === null ? named("closure") : { kind: "Fn", params: node.params.map((p) => p.type!), ret };
    }
    case "Ident": {
      const t = scope.getVar(node.name);
      if (t) return t;
      const sig = scope.getFn(node.name);
      return sig ? fnValueType(sig) : null;
    }
    case "Call":
      return inferCall(node, scope);
    case "Binary":
      return inferBinaryOp(node.op, inferType(node.left, scope), inferType(node.right, scope));
    case "Unary":
      return node.op === "!" ? named("bool") : inferType(node.operand, scope);
    case "Ternary": {
      const refs = extractRefinements(node.cond, scope);
      const yes = scope.child();
      yes.applyRefinements(refs.truthy);
      const no = scope.child();
      no.applyRefinements(refs.falsy);
      const [a, b] = [inferType(node.then, yes), inferType(node.else, no)];
      return a === null || b === null ? null : joinTypes(a, b);
    }
    case "Property":
      return inferProperty(node, scope);
    case "Subscript":
      return inferSubscript(node, scope);
    case "Slice": {
      const obj = inferType(node.object, scope);
      return obj?.kind === "List" || isNamed(obj, "list") || isNamed(obj, "string") ? obj : null;
    }
    case "MethodCall":
      return inferMethodCall(node, scope);
    case "TryOp": {
      const t = inferType(node.operand, scope);
      return t?.kind === "Applied" && t.name === "Result" && t.args.length === 2 ? t.args[0]! : null;
    }
    case "Throw":
    case "Return":
    case "Break":
    case "Continue":
      return NEVER;
    case "If":
      return node.else
        ? inferBranches(inferBlockType(node.then, scope), inferBlockType(node.else, scope))
        : null;
    case "Parallel": {
      const item = inferBlockType(node.body, scope) ?? WILDCARD;
      if (node.mode === "settle") return named("dict");
      return node.mode === "each_stream" ? { kind: "Stream", elem: item } : { kind: "List", elem: item };
    }
    case "TryStar":
      return inferType(node.operand, scope);
    case "StructConstruct": {
      const info = scope.getStruct(node.name);
      return info ? inferStructType(node.name, info, node, scope) : null;
    }
    default:
      return null;
  }
}
