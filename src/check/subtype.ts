// Assignability (spec: "Subtyping and variance"): `typesCompatible(expected,
// actual)` answers whether a value of type `actual` may flow into a slot of
// type `expected`. `int` widens to `float` in covariant positions only;
// `list<T>` and `dict<K, V>` are invariant (mutable), `iter`/`Generator`/
// `Stream` covariant, function parameters contravariant, user generics
// follow their declared `in`/`out` markers. `any` flows both ways;
// `unknown` accepts everything but flows out only to `unknown`/`any`.
//
// Deliberately more permissive than the reference where our knowledge is
// thinner: the wildcard `_` and any type name we cannot resolve (imported
// types, out-of-scope generic parameters) are compatible with everything,
// so a missing declaration can never cause a false error.
//
// Also here: alias expansion, interface satisfaction (Go-style, by impl
// methods) and generic parameter binding, which interface checks share.

import type { AliasInfo, ImplMethodSig, TypeScope, Variance } from "./scope.ts";
import {
  applyBindings,
  containsWildcard,
  formatType,
  isNamed,
  isWildcard,
  type Ty,
  typeEquals,
} from "./types.ts";

export type Polarity = "co" | "contra" | "inv";

/** Built-in type names compared by name; any other unresolvable name is opaque. */
const BUILTIN_TYPE_NAMES = new Set([
  "int",
  "float",
  "string",
  "bool",
  "nil",
  "list",
  "dict",
  "set",
  "closure",
  "bytes",
  "any",
  "unknown",
  "iter",
  "range",
  "duration",
  "pair",
  "stream",
  "Stream",
  "generator",
  "Generator",
]);

export function compose(outer: Polarity, variance: Variance): Polarity {
  if (variance === "invariant" || outer === "inv") return "inv";
  if (variance === "out") return outer;
  return outer === "co" ? "contra" : "co";
}

/** A type we know nothing about: it is compatible with everything. */
function isOpaque(t: Ty, scope: TypeScope): boolean {
  if (t.kind === "Named") return !BUILTIN_TYPE_NAMES.has(t.name) && !scope.isDeclaredType(t.name);
  if (t.kind === "Applied") return !scope.isDeclaredType(t.name);
  return false;
}

/** Substitutes alias type parameters, distributing over union arguments. */
function instantiateAlias(info: AliasInfo, args: readonly Ty[]): Ty {
  let variants: Map<string, Ty>[] = [new Map()];
  info.typeParams.forEach((param, i) => {
    const arg = args[i]!;
    const members = arg.kind === "Union" && arg.types.length > 0 ? arg.types : [arg];
    variants = variants.flatMap((base) => members.map((m) => new Map([...base, [param.name, m]])));
  });
  const results = variants.map((b) => applyBindings(info.body, b));
  return results.length === 1 ? results[0]! : { kind: "Union", types: results };
}

/** Expands type aliases throughout `t` (cyclic aliases stop expanding). */
export function resolveAlias(t: Ty, scope: TypeScope, seen: ReadonlySet<string> = new Set()): Ty {
  const go = (x: Ty): Ty => resolveAlias(x, scope, seen);
  switch (t.kind) {
    case "Named": {
      const info = scope.getAlias(t.name);
      if (!info || seen.has(t.name)) return t;
      return resolveAlias(info.body, scope, new Set([...seen, t.name]));
    }
    case "Applied": {
      const args = t.args.map(go);
      const info = scope.getAlias(t.name);
      if (info && !seen.has(t.name) && info.typeParams.length === args.length) {
        return resolveAlias(instantiateAlias(info, args), scope, new Set([...seen, t.name]));
      }
      return { kind: "Applied", name: t.name, args };
    }
    case "Union":
      return { kind: "Union", types: t.types.map(go) };
    case "Shape":
      return { kind: "Shape", fields: t.fields.map((f) => ({ ...f, type: go(f.type) })) };
    case "List":
    case "Iter":
    case "Generator":
    case "Stream":
      return { kind: t.kind, elem: go(t.elem) };
    case "Dict":
      return { kind: "Dict", key: go(t.key), value: go(t.value) };
    case "Fn":
      return { kind: "Fn", params: t.params.map(go), ret: go(t.ret) };
    default:
      return t;
  }
}

/** Nesting of compatibility checks in progress; recursive aliases stop (leniently) at the limit. */
let depth = 0;
const MAX_DEPTH = 64;

/** May a value of type `actual` flow into a slot of type `expected`? */
export function typesCompatible(
  expected: Ty,
  actual: Ty,
  scope: TypeScope,
  polarity: Polarity = "co",
): boolean {
  if (depth >= MAX_DEPTH || typeEquals(expected, actual)) return true;
  depth++;
  try {
    return compatibleAt(expected, actual, scope, polarity);
  } finally {
    depth--;
  }
}

function compatibleAt(expected: Ty, actual: Ty, scope: TypeScope, polarity: Polarity): boolean {
  if (polarity === "contra") return typesCompatible(actual, expected, scope);
  if (polarity === "inv")
    return typesCompatible(expected, actual, scope) && typesCompatible(actual, expected, scope);
  if (isWildcard(expected) || isWildcard(actual)) return true;
  if (expected.kind === "Named" && scope.isGeneric(expected.name)) return true;
  if (actual.kind === "Named" && scope.isGeneric(actual.name)) return true;
  const e = resolveAlias(expected, scope);
  const a = resolveAlias(actual, scope);
  if (isOpaque(e, scope) || isOpaque(a, scope)) return true;
  const ifaceName = e.kind === "Named" || e.kind === "Applied" ? e.name : null;
  const iface = ifaceName === null ? undefined : scope.getInterface(ifaceName);
  if (ifaceName !== null && iface) {
    const bindings = new Map<string, Ty>();
    const args = e.kind === "Applied" ? e.args : [];
    for (const [i, p] of iface.typeParams.entries()) if (args[i]) bindings.set(p.name, args[i]!);
    const typeName = a.kind === "Named" || a.kind === "Applied" ? a.name : null;
    return typeName !== null && interfaceMismatchReason(typeName, ifaceName, bindings, scope) === null;
  }
  return compatibleResolved(e, a, scope);
}

function compatibleResolved(e: Ty, a: Ty, scope: TypeScope): boolean {
  const co = (x: Ty, y: Ty): boolean => typesCompatible(x, y, scope);
  if (a.kind === "Never") return true;
  if (e.kind === "Never") return false;
  if (isNamed(e, "any") || isNamed(a, "any") || isNamed(e, "unknown")) return true;
  if (e.kind === "Named" && a.kind === "Named")
    return e.name === a.name || (e.name === "float" && a.name === "int");
  if ((e.kind === "Named" && a.kind === "Applied") || (e.kind === "Applied" && a.kind === "Named")) {
    return e.name === a.name;
  }
  if (e.kind === "Applied" && a.kind === "Applied") {
    if (e.name !== a.name || e.args.length !== a.args.length) return false;
    const variances = scope.varianceOf(e.name);
    return e.args.every((arg, i) =>
      typesCompatible(arg, a.args[i]!, scope, compose("co", variances?.[i] ?? "invariant")),
    );
  }
  if (e.kind === "Union" && a.kind === "Union") return a.types.every((m) => e.types.some((x) => co(x, m)));
  if (e.kind === "Union") return e.types.some((m) => co(m, a));
  if (a.kind === "Union") return a.types.every((m) => co(e, m));
  if (e.kind === "Shape" && isNamed(a, "dict")) return true;
  if (isNamed(e, "dict") && a.kind === "Shape") return true;
  if (e.kind === "Shape" && a.kind === "Shape") {
    return e.fields.every((f) => f.optional || a.fields.some((g) => g.name === f.name && co(f.type, g.type)));
  }
  if (e.kind === "Dict" && a.kind === "Shape")
    return isNamed(e.key, "string") && a.fields.every((f) => co(e.value, f.type));
  if (e.kind === "Shape" && a.kind === "Dict") return true;
  if (e.kind === "List" && a.kind === "List") return typesCompatible(e.elem, a.elem, scope, "inv");
  if ((isNamed(e, "list") && a.kind === "List") || (e.kind === "List" && isNamed(a, "list"))) return true;
  if (e.kind === "Dict" && a.kind === "Dict") {
    return typesCompatible(e.key, a.key, scope, "inv") && typesCompatible(e.value, a.value, scope, "inv");
  }
  if ((isNamed(e, "dict") && a.kind === "Dict") || (e.kind === "Dict" && isNamed(a, "dict"))) return true;
  for (const [kind, names] of SEQUENCE_KINDS) {
    if (e.kind === kind && a.kind === kind) return co(e.elem, (a as typeof e).elem);
    if (e.kind === "Named" && names.includes(e.name) && a.kind === kind) return true;
    if (e.kind === kind && a.kind === "Named" && names.includes(a.name)) return true;
  }
  if (e.kind === "Fn" && a.kind === "Fn") {
    return (
      e.params.length === a.params.length &&
      e.params.every((p, i) => typesCompatible(p, a.params[i]!, scope, "contra")) &&
      co(e.ret, a.ret)
    );
  }
  if ((e.kind === "Fn" && isNamed(a, "closure")) || (isNamed(e, "closure") && a.kind === "Fn")) return true;
  return literalCompatible(e, a);
}

const SEQUENCE_KINDS: readonly (readonly ["Iter" | "Generator" | "Stream", readonly string[]])[] = [
  ["Iter", ["iter"]],
  ["Generator", ["generator", "Generator"]],
  ["Stream", ["stream", "Stream"]],
];

/** Literal types: equal literals, literal into its base, and (gradually) base into literal. */
function literalCompatible(e: Ty, a: Ty): boolean {
  if (e.kind === "LitString" && a.kind === "LitString") return e.value === a.value;
  if (e.kind === "LitInt" && a.kind === "LitInt") return String(e.value) === String(a.value);
  if (isNamed(e, "string") && a.kind === "LitString") return true;
  if ((isNamed(e, "int") || isNamed(e, "float")) && a.kind === "LitInt") return true;
  if (e.kind === "LitString" && isNamed(a, "string")) return true;
  return e.kind === "LitInt" && isNamed(a, "int");
}

/** True when `t` might be a less precise view of another type (wildcards, bare containers). */
function isImprecise(t: Ty): boolean {
  if (t.kind === "Named") return ["list", "dict", "closure", "iter", "set"].includes(t.name) || isWildcard(t);
  if (t.kind === "Shape" || t.kind === "Fn") return true;
  return containsWildcard(t);
}

/** Binds type parameter `name` to `concrete`; an error text on a conflicting binding. */
export function bindTypeParam(name: string, concrete: Ty, bindings: Map<string, Ty>): string | null {
  if (isWildcard(concrete)) return null;
  const existing = bindings.get(name);
  if (existing === undefined || isWildcard(existing)) {
    bindings.set(name, concrete);
    return null;
  }
  if (typeEquals(existing, concrete) || isImprecise(existing) || isImprecise(concrete)) return null;
  return `type parameter '${name}' was inferred as both ${formatType(existing)} and ${formatType(concrete)}`;
}

/** Binds the type parameters in `param` by matching it against `arg` (`list<T>` vs `list<int>`). */
export function extractTypeBindings(
  param: Ty,
  arg: Ty,
  typeParams: ReadonlySet<string>,
  bindings: Map<string, Ty>,
): string | null {
  const go = (p: Ty, a: Ty): string | null => extractTypeBindings(p, a, typeParams, bindings);
  const all = (ps: readonly Ty[], as: readonly Ty[]): string | null => {
    for (let i = 0; i < Math.min(ps.length, as.length); i++) {
      const err = go(ps[i]!, as[i]!);
      if (err !== null) return err;
    }
    return null;
  };
  if (param.kind === "Named" && typeParams.has(param.name)) return bindTypeParam(param.name, arg, bindings);
  if (param.kind === "List" && arg.kind === "List") return go(param.elem, arg.elem);
  if (param.kind === "Dict" && arg.kind === "Dict")
    return go(param.key, arg.key) ?? go(param.value, arg.value);
  if (param.kind === "Applied" && arg.kind === "Applied") {
    return param.name === arg.name && param.args.length === arg.args.length
      ? all(param.args, arg.args)
      : null;
  }
  if (param.kind === "Shape" && arg.kind === "Shape") {
    for (const f of param.fields) {
      const g = arg.fields.find((x) => x.name === f.name);
      const err = g ? go(f.type, g.type) : null;
      if (err !== null) return err;
    }
    return null;
  }
  if (param.kind === "Fn" && arg.kind === "Fn")
    return all(param.params, arg.params) ?? go(param.ret, arg.ret);
  return null;
}

function checkMethod(
  method: { name: string; params: readonly { name: string; type?: Ty }[]; returnType?: Ty },
  impl: ImplMethodSig,
  assocNames: ReadonlySet<string>,
  bindings: Map<string, Ty>,
  scope: TypeScope,
): string | null {
  const params = method.params.filter((p) => p.name !== "self");
  if (impl.paramTypes.length !== params.length) {
    return `method '${method.name}' has ${impl.paramTypes.length} parameter(s), expected ${params.length}`;
  }
  for (const [i, p] of params.entries()) {
    const actual = impl.paramTypes[i];
    if (!p.type || !actual) continue;
    const err = extractTypeBindings(p.type, actual, assocNames, bindings);
    if (err !== null) return err;
    const expected = applyBindings(p.type, bindings);
    if (!typesCompatible(expected, actual, scope)) {
      return `method '${method.name}' parameter ${i + 1} has type '${formatType(actual)}', expected '${formatType(expected)}'`;
    }
  }
  if (method.returnType && impl.returnType) {
    const err = extractTypeBindings(method.returnType, impl.returnType, assocNames, bindings);
    if (err !== null) return err;
    const expected = applyBindings(method.returnType, bindings);
    if (!typesCompatible(expected, impl.returnType, scope)) {
      return `method '${method.name}' returns '${formatType(impl.returnType)}', expected '${formatType(expected)}'`;
    }
  }
  return null;
}

/** Why `typeName` does not satisfy interface `ifaceName`; null when it does. */
export function interfaceMismatchReason(
  typeName: string,
  ifaceName: string,
  initial: ReadonlyMap<string, Ty>,
  scope: TypeScope,
): string | null {
  const iface = scope.getInterface(ifaceName);
  if (!iface) return `interface '${ifaceName}' not found`;
  const impl = scope.getImpl(typeName);
  if (!impl) {
    if (iface.methods.length === 0) return null;
    return `missing method(s): ${iface.methods.map((m) => m.name).join(", ")}`;
  }
  const bindings = new Map(initial);
  const assocNames = new Set(iface.associatedTypes.map((a) => a.name));
  for (const method of iface.methods) {
    const found = impl.find((m) => m.name === method.name);
    if (!found) return `missing method '${method.name}'`;
    const err = checkMethod(method, found, assocNames, bindings, scope);
    if (err !== null) return err;
  }
  for (const assoc of iface.associatedTypes) {
    const actual = bindings.get(assoc.name);
    if (!assoc.type || !actual) continue;
    const expected = applyBindings(assoc.type, bindings);
    if (!typesCompatible(expected, actual, scope)) {
      return `associated type '${assoc.name}' resolves to '${formatType(actual)}', expected '${formatType(expected)}'`;
    }
  }
  return null;
}
