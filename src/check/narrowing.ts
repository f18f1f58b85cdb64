// Flow-sensitive narrowing (spec: "Flow-sensitive type refinement"): the
// refinements a condition implies for its true and false branches —
// `x != nil`, bare `x` on `T | nil`, `type_of(x) == "T"`, `obj.kind == "v"`
// on a tagged shape union, `x.has("k")` on an optional shape field, and
// their `!`/`&&`/`||` combinations — plus the per-arm narrowing of `match`
// on a literal union or a tagged shape union's discriminant.
//
// `schema_is`/`is_type` narrow by a schema we do not reduce to a type here;
// the tested variable becomes untyped on both branches instead, which can
// only silence diagnostics, never invent one.

import type { Node } from "../syntax/ast.ts";
import { invert, NO_REFINEMENTS, type Refinements, type TypeScope } from "./scope.ts";
import {
  formatType,
  type Inferred,
  isNamed,
  NEVER,
  named,
  narrowToSingle,
  removeFromUnion,
  simplifyUnion,
  type Ty,
  typeEquals,
} from "./types.ts";

const TYPE_OF_NAMES = new Set(["int", "string", "float", "bool", "nil", "list", "dict", "closure", "bytes"]);

/** The alternatives of an or-pattern, or the pattern itself. */
export function patternAlternatives(pattern: Node): readonly Node[] {
  return pattern.kind === "OrPattern" ? pattern.alternatives : [pattern];
}

/** Follows plain `type A = B` alias chains to a concrete type. */
export function resolveNamedChain(t: Ty, scope: TypeScope): Ty {
  const seen = new Set<string>();
  while (t.kind === "Named" && !seen.has(t.name)) {
    seen.add(t.name);
    const info = scope.getAlias(t.name);
    if (!info) break;
    t = info.body;
  }
  return t;
}

/** A literal type's identity as a discriminant value (`"ping"`, `3`), or null. */
export function literalKey(t: Ty): string | null {
  return t.kind === "LitString" || t.kind === "LitInt" ? formatType(t) : null;
}

/** The discriminant a literal pattern or comparison operand denotes, or null. */
export function nodeLiteralKey(node: Node): string | null {
  if (node.kind === "Str" && !node.raw) return formatType({ kind: "LitString", value: node.value });
  if (node.kind === "Int") return String(node.value);
  return null;
}

/**
 * The discriminant field of a tagged shape union: present and required in
 * every member, with a literal type distinct per member (first such field).
 */
export function discriminantField(members: readonly Ty[]): string | null {
  if (members.length < 2 || !members.every((m) => m.kind === "Shape")) return null;
  const shapes = members as readonly Extract<Ty, { kind: "Shape" }>[];
  candidates: for (const candidate of shapes[0]!.fields) {
    if (candidate.optional) continue;
    const first = literalKey(candidate.type);
    if (first === null) continue;
    const seen = new Set([first]);
    for (const shape of shapes.slice(1)) {
      const field = shape.fields.find((f) => f.name === candidate.name);
      const key = field && !field.optional ? literalKey(field.type) : null;
      if (key === null || seen.has(key)) continue candidates;
      seen.add(key);
    }
    return candidate.name;
  }
  return null;
}

/** The member whose discriminant `field` equals `key`, and the residual union. */
export function narrowShapeUnionByTag(members: readonly Ty[], field: string, key: string): [Ty, Ty] | null {
  let matched: Ty | null = null;
  const residual: Ty[] = [];
  for (const m of members) {
    if (m.kind !== "Shape") return null;
    const f = m.fields.find((x) => x.name === field);
    const k = f ? literalKey(f.type) : null;
    if (k === null) return null;
    if (k !== key) residual.push(m);
    else if (matched !== null) return null;
    else matched = m;
  }
  return matched === null ? null : [matched, simplifyUnion(residual)];
}

/** Members of a union with simple alias names resolved (so shape unions are seen). */
export function shapeMembers(members: readonly Ty[], scope: TypeScope): Ty[] {
  return members.map((m) => resolveNamedChain(m, scope));
}

function both(name: string, truthy: Inferred | undefined, falsy: Inferred | undefined): Refinements {
  return {
    truthy: truthy === undefined ? [] : [[name, truthy]],
    falsy: falsy === undefined ? [] : [[name, falsy]],
  };
}

function nilRefinements(op: string, left: Node, right: Node, scope: TypeScope): Refinements {
  const v = right.kind === "Nil" ? left : left.kind === "Nil" ? right : null;
  if (v?.kind !== "Ident") return NO_REFINEMENTS;
  const t = scope.getVar(v.name);
  if (t?.kind === "Union") {
    const r = both(v.name, removeFromUnion(t.types, "nil"), named("nil"));
    return op === "!=" ? r : invert(r);
  }
  if (isNamed(t, "nil")) {
    const r = both(v.name, named("nil"), NEVER);
    return op === "==" ? r : invert(r);
  }
  return NO_REFINEMENTS;
}

function typeOfVar(node: Node): string | null {
  if (node.kind !== "Call" || node.name !== "type_of" || node.args.length !== 1) return null;
  const arg = node.args[0]!;
  return arg.kind === "Ident" ? arg.name : null;
}

function typeOfRefinements(op: string, left: Node, right: Node, scope: TypeScope): Refinements {
  let name = typeOfVar(left);
  let lit: Node = right;
  if (name === null || right.kind !== "Str") {
    name = typeOfVar(right);
    lit = left;
  }
  if (name === null || lit.kind !== "Str" || lit.raw || !TYPE_OF_NAMES.has(lit.value)) return NO_REFINEMENTS;
  const typeName = lit.value;
  const t = scope.getVar(name);
  let r: Refinements = NO_REFINEMENTS;
  if (t?.kind === "Union") {
    r = both(name, narrowToSingle(t.types, typeName) ?? undefined, removeFromUnion(t.types, typeName));
  } else if (isNamed(t, typeName)) {
    r = both(name, named(typeName), NEVER);
  } else if (isNamed(t, "unknown")) {
    r = both(name, named(typeName), undefined);
  }
  return op === "==" ? r : invert(r);
}

function discriminatorRefinements(op: string, left: Node, right: Node, scope: TypeScope): Refinements {
  let prop = left;
  let key = nodeLiteralKey(right);
  if (left.kind !== "Property" || key === null) {
    prop = right;
    key = nodeLiteralKey(left);
  }
  if (prop.kind !== "Property" || prop.optional || prop.object.kind !== "Ident" || key === null) {
    return NO_REFINEMENTS;
  }
  const name = prop.object.name;
  const raw = scope.getVar(name);
  if (!raw) return NO_REFINEMENTS;
  const resolved = resolveNamedChain(raw, scope);
  if (resolved.kind !== "Union") return NO_REFINEMENTS;
  const members = shapeMembers(resolved.types, scope);
  if (discriminantField(members) !== prop.name) return NO_REFINEMENTS;
  const split = narrowShapeUnionByTag(members, prop.name, key);
  if (!split) return NO_REFINEMENTS;
  const r = both(name, split[0], split[1]);
  return op === "==" ? r : invert(r);
}

function hasRefinements(node: Extract<Node, { kind: "MethodCall" }>, scope: TypeScope): Refinements {
  const [arg] = node.args;
  if (node.object.kind !== "Ident" || arg?.kind !== "Str") return NO_REFINEMENTS;
  const t = scope.getVar(node.object.name);
  if (t?.kind !== "Shape" || !t.fields.some((f) => f.name === arg.value && f.optional)) return NO_REFINEMENTS;
  const fields = t.fields.map((f) => (f.name === arg.value ? { ...f, optional: false } : f));
  return both(node.object.name, { kind: "Shape", fields }, undefined);
}

/** The narrowings `cond` implies on its true and false branches. */
export function extractRefinements(cond: Node, scope: TypeScope): Refinements {
  switch (cond.kind) {
    case "Binary": {
      const { op, left, right } = cond;
      if (op === "==" || op === "!=") {
        for (const extract of [nilRefinements, typeOfRefinements, discriminatorRefinements]) {
          const r = extract(op, left, right, scope);
          if (r.truthy.length > 0 || r.falsy.length > 0) return r;
        }
        return NO_REFINEMENTS;
      }
      const l = extractRefinements(left, scope);
      const r = extractRefinements(right, scope);
      if (op === "&&") return { truthy: [...l.truthy, ...r.truthy], falsy: [] };
      if (op === "||") return { truthy: [], falsy: [...l.falsy, ...r.falsy] };
      return NO_REFINEMENTS;
    }
    case "Unary":
      return cond.op === "!" ? invert(extractRefinements(cond.operand, scope)) : NO_REFINEMENTS;
    case "Ident": {
      const t = scope.getVar(cond.name);
      if (t?.kind !== "Union" || !t.types.some((m) => isNamed(m, "nil"))) return NO_REFINEMENTS;
      return both(cond.name, removeFromUnion(t.types, "nil"), named("nil"));
    }
    case "MethodCall":
      return cond.method === "has" && cond.args.length === 1 && !cond.optional
        ? hasRefinements(cond, scope)
        : NO_REFINEMENTS;
    case "Call": {
      const [subject] = cond.args;
      if ((cond.name !== "schema_is" && cond.name !== "is_type") || cond.args.length !== 2)
        return NO_REFINEMENTS;
      if (subject?.kind !== "Ident" || !scope.getVar(subject.name)) return NO_REFINEMENTS;
      return both(subject.name, null, null);
    }
    default:
      return NO_REFINEMENTS;
  }
}

function pushUnique(list: Ty[], t: Ty): void {
  if (!list.some((x) => typeEquals(x, t))) list.push(t);
}

function collapse(list: Ty[]): Ty | null {
  if (list.length === 0) return null;
  return list.length === 1 ? list[0]! : { kind: "Union", types: list };
}

function narrowLeaf(leaf: Node, members: readonly Ty[]): Ty | null {
  if (
    leaf.kind === "Str" &&
    !leaf.raw &&
    members.some((m) => m.kind === "LitString" && m.value === leaf.value)
  ) {
    return { kind: "LitString", value: leaf.value };
  }
  if (
    leaf.kind === "Int" &&
    members.some((m) => m.kind === "LitInt" && String(m.value) === String(leaf.value))
  ) {
    return { kind: "LitInt", value: leaf.value };
  }
  const names: Partial<Record<Node["kind"], string>> = {
    Nil: "nil",
    Int: "int",
    Float: "float",
    Bool: "bool",
  };
  const typeName = leaf.kind === "Str" && !leaf.raw ? "string" : names[leaf.kind];
  return typeName === undefined ? null : narrowToSingle(members, typeName);
}

/** The type a `match` arm narrows a union-typed subject to, or null. */
export function narrowUnionByArm(pattern: Node, members: readonly Ty[]): Ty | null {
  const collected: Ty[] = [];
  for (const leaf of patternAlternatives(pattern)) {
    const t = narrowLeaf(leaf, members);
    if (t === null) return null;
    for (const m of t.kind === "Union" ? t.types : [t]) pushUnique(collected, m);
  }
  return collapse(collected);
}

/** The variants a `match obj.<tag>` arm selects from a tagged shape union, or null. */
export function narrowShapeUnionByArm(pattern: Node, members: readonly Ty[], field: string): Ty | null {
  const matched: Ty[] = [];
  for (const leaf of patternAlternatives(pattern)) {
    const key = nodeLiteralKey(leaf);
    const split = key === null ? null : narrowShapeUnionByTag(members, field, key);
    if (split === null) return null;
    pushUnique(matched, split[0]);
  }
  return collapse(matched);
}
