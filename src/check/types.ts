// The checker's type representation and the pure helpers over it. A type is
// the parser's own `TypeExpr` (annotations need no conversion); an inferred
// type is `Ty | null`, where null means "not known" — gradual typing: an
// unknown type never produces a diagnostic. Inside a compound type the
// wildcard `_` plays the same role (a field whose value could not be
// inferred). Printing follows the spec's type syntax, since diagnostics quote
// types (`list<int>`, `{name: string}`, `fn(int) -> string`, `"a" | "b"`).

import type { ShapeField, TypeExpr } from "../syntax/ast.ts";

export type Ty = TypeExpr;
/** An inferred type; null when inference does not know it. */
export type Inferred = Ty | null;

export function named(name: string): Ty {
  return { kind: "Named", name };
}

export const WILDCARD: Ty = named("_");
export const NIL: Ty = named("nil");
export const NEVER: Ty = { kind: "Never" };

export function isNamed(t: Inferred | undefined, name: string): boolean {
  return t?.kind === "Named" && t.name === name;
}

export function isWildcard(t: Ty): boolean {
  return isNamed(t, "_");
}

/** The constructor name of a named or applied type (`Box` of `Box<int>`). */
export function baseTypeName(t: Ty): string | null {
  return t.kind === "Named" || t.kind === "Applied" ? t.name : null;
}

function quoteLiteral(s: string): string {
  return `"${s.replaceAll("\\", "\\\\").replaceAll('"', '\\"')}"`;
}

/** Spec syntax for a type, as quoted in diagnostics. */
export function formatType(t: Ty): string {
  switch (t.kind) {
    case "Named":
      return t.name;
    case "Union":
      return t.types.map(formatType).join(" | ");
    case "Shape":
      return `{${t.fields.map((f) => `${f.name}${f.optional ? "?" : ""}: ${formatType(f.type)}`).join(", ")}}`;
    case "List":
      return `list<${formatType(t.elem)}>`;
    case "Iter":
      return `iter<${formatType(t.elem)}>`;
    case "Generator":
      return `Generator<${formatType(t.elem)}>`;
    case "Stream":
      return `Stream<${formatType(t.elem)}>`;
    case "Dict":
      return `dict<${formatType(t.key)}, ${formatType(t.value)}>`;
    case "Applied":
      return `${t.name}<${t.args.map(formatType).join(", ")}>`;
    case "Fn":
      return `fn(${t.params.map(formatType).join(", ")}) -> ${formatType(t.ret)}`;
    case "Never":
      return "never";
    case "LitString":
      return quoteLiteral(t.value);
    case "LitInt":
      return String(t.value);
  }
}

function listEquals(a: readonly Ty[], b: readonly Ty[]): boolean {
  return a.length === b.length && a.every((x, i) => typeEquals(x, b[i]!));
}

/** Structural equality of two types. */
export function typeEquals(a: Ty, b: Ty): boolean {
  switch (a.kind) {
    case "Named":
      return b.kind === "Named" && a.name === b.name;
    case "Union":
      return b.kind === "Union" && listEquals(a.types, b.types);
    case "Shape":
      return (
        b.kind === "Shape" &&
        a.fields.length === b.fields.length &&
        a.fields.every((f, i) => {
          const g = b.fields[i]!;
          return f.name === g.name && f.optional === g.optional && typeEquals(f.type, g.type);
        })
      );
    case "List":
    case "Iter":
    case "Generator":
    case "Stream":
      return b.kind === a.kind && typeEquals(a.elem, (b as typeof a).elem);
    case "Dict":
      return b.kind === "Dict" && typeEquals(a.key, b.key) && typeEquals(a.value, b.value);
    case "Applied":
      return b.kind === "Applied" && a.name === b.name && listEquals(a.args, b.args);
    case "Fn":
      return b.kind === "Fn" && listEquals(a.params, b.params) && typeEquals(a.ret, b.ret);
    case "Never":
      return b.kind === "Never";
    case "LitString":
      return b.kind === "LitString" && a.value === b.value;
    case "LitInt":
      return b.kind === "LitInt" && String(a.value) === String(b.value);
  }
}

/** The direct component types of `t`. */
export function childTypes(t: Ty): readonly Ty[] {
  switch (t.kind) {
    case "Union":
      return t.types;
    case "Shape":
      return t.fields.map((f) => f.type);
    case "List":
    case "Iter":
    case "Generator":
    case "Stream":
      return [t.elem];
    case "Dict":
      return [t.key, t.value];
    case "Applied":
      return t.args;
    case "Fn":
      return [...t.params, t.ret];
    default:
      return [];
  }
}

/** True when `t` or any part of it is the wildcard (a partly unknown type). */
export function containsWildcard(t: Ty): boolean {
  return isWildcard(t) || childTypes(t).some(containsWildcard);
}

/** Rebuilds `t` with `f` applied to every direct component. */
export function mapChildren(t: Ty, f: (child: Ty) => Ty): Ty {
  switch (t.kind) {
    case "Union":
      return { kind: "Union", types: t.types.map(f) };
    case "Shape":
      return { kind: "Shape", fields: t.fields.map((x): ShapeField => ({ ...x, type: f(x.type) })) };
    case "List":
    case "Iter":
    case "Generator":
    case "Stream":
      return { kind: t.kind, elem: f(t.elem) };
    case "Dict":
      return { kind: "Dict", key: f(t.key), value: f(t.value) };
    case "Applied":
      return { kind: "Applied", name: t.name, args: t.args.map(f) };
    case "Fn":
      return { kind: "Fn", params: t.params.map(f), ret: f(t.ret) };
    default:
      return t;
  }
}

/** Substitutes bound type parameters (`T` -> `int`) throughout `t`. */
export function applyBindings(t: Ty, bindings: ReadonlyMap<string, Ty>): Ty {
  if (t.kind === "Named") return bindings.get(t.name) ?? t;
  return mapChildren(t, (c) => applyBindings(c, bindings));
}

/**
 * Why one shape falls short of another: `missing field 'age' (int)` or
 * `field 'name' has type int, expected string`; null when not two shapes.
 */
export function shapeMismatchDetail(expected: Ty, actual: Ty): string | null {
  if (expected.kind !== "Shape" || actual.kind !== "Shape") return null;
  const details: string[] = [];
  for (const field of expected.fields) {
    if (field.optional) continue;
    const got = actual.fields.find((f) => f.name === field.name);
    if (!got) {
      details.push(`missing field '${field.name}' (${formatType(field.type)})`);
      continue;
    }
    const want = formatType(field.type);
    const have = formatType(got.type);
    if (want !== have) details.push(`field '${field.name}' has type ${have}, expected ${want}`);
  }
  return details.length > 0 ? details.join("; ") : null;
}

/** A union without `never` members, collapsed when one (or no) member remains. */
export function simplifyUnion(members: readonly Ty[]): Ty {
  const kept = members.filter((m) => m.kind !== "Never");
  if (kept.length === 0) return NEVER;
  if (kept.length === 1) return kept[0]!;
  return { kind: "Union", types: kept };
}

/** `members` without the named type `name` (`never` when nothing is left). */
export function removeFromUnion(members: readonly Ty[], name: string): Ty {
  const kept = members.filter((m) => !isNamed(m, name));
  if (kept.length === 0) return NEVER;
  if (kept.length === 1) return kept[0]!;
  return { kind: "Union", types: kept };
}

/** The named type `name` when it is one of `members`. */
export function narrowToSingle(members: readonly Ty[], name: string): Ty | null {
  return members.some((m) => isNamed(m, name)) ? named(name) : null;
}

/** A union of `a` and `b` unless they are equal. */
export function joinTypes(a: Ty, b: Ty): Ty {
  return typeEquals(a, b) ? a : { kind: "Union", types: [a, b] };
}
