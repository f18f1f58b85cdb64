// `match` exhaustiveness (spec: "Exhaustiveness"): a match must cover every
// case of its subject or have a wildcard arm, and a missing case is an
// error. Three subjects are understood: an enum value (directly or through
// `.variant`), the discriminant of a tagged shape union (`match msg.kind`),
// and a union of named or literal types. Any arm pattern that is not a
// plain literal counts as a wildcard, so coverage is never under-estimated.

import { Code, checkMessages } from "../diagnostics/messages.ts";
import type { Span } from "../diagnostics/span.ts";
import type { MatchArm, Node } from "../syntax/ast.ts";
import { type CheckContext, reportError } from "./context.ts";
import { inferType } from "./infer.ts";
import {
  discriminantField,
  literalKey,
  nodeLiteralKey,
  patternAlternatives,
  shapeMembers,
} from "./narrowing.ts";
import type { TypeScope } from "./scope.ts";
import { resolveAlias } from "./subtype.ts";
import type { Ty } from "./types.ts";

/** Every leaf pattern of every arm. */
function leaves(arms: readonly MatchArm[]): Node[] {
  return arms.flatMap((arm) => [...patternAlternatives(arm.pattern)]);
}

function enumSubject(value: Node, scope: TypeScope): string | null {
  const target =
    value.kind === "Property" && !value.optional && value.name === "variant" ? value.object : value;
  const t = inferType(target, scope);
  return t?.kind === "Named" && scope.getEnum(t.name) ? t.name : null;
}

function checkEnum(
  ctx: CheckContext,
  name: string,
  arms: readonly MatchArm[],
  scope: TypeScope,
  span: Span,
): void {
  const covered = new Set<string>();
  for (const leaf of leaves(arms)) {
    if (leaf.kind === "Str" && !leaf.raw) covered.add(leaf.value);
    else if (leaf.kind === "Property" && !leaf.optional) covered.add(leaf.name);
    else return;
  }
  const variants = scope.getEnum(name)?.variants ?? [];
  const missing = variants.filter((v) => !covered.has(v.name)).map((v) => `"${v.name}"`);
  if (missing.length > 0) {
    reportError(
      ctx,
      Code.NonExhaustiveMatch,
      checkMessages.nonExhaustiveEnum(name, missing.join(", ")),
      span,
    );
  }
}

/** Literal keys covered by the arms, or null when some arm is a wildcard. */
function coveredLiterals(arms: readonly MatchArm[]): Set<string> | null {
  const covered = new Set<string>();
  for (const leaf of leaves(arms)) {
    const key = nodeLiteralKey(leaf);
    if (key === null) return null;
    covered.add(key);
  }
  return covered;
}

/** Checks `match obj.<tag>` on a tagged shape union; false when the subject is not one. */
function checkTaggedShape(
  ctx: CheckContext,
  value: Node,
  arms: readonly MatchArm[],
  scope: TypeScope,
  span: Span,
): boolean {
  if (value.kind !== "Property" || value.optional || value.object.kind !== "Ident") return false;
  const raw = scope.getVar(value.object.name);
  if (!raw) return false;
  const resolved = resolveAlias(raw, scope);
  if (resolved.kind !== "Union") return false;
  const members = shapeMembers(resolved.types, scope);
  if (discriminantField(members) !== value.name) return false;
  const covered = coveredLiterals(arms);
  if (covered === null) return true;
  const missing: string[] = [];
  for (const m of members) {
    if (m.kind !== "Shape") continue;
    const field = m.fields.find((f) => f.name === value.name);
    const key = field ? literalKey(field.type) : null;
    if (key !== null && !covered.has(key)) missing.push(key);
  }
  if (missing.length > 0) {
    reportError(ctx, Code.NonExhaustiveMatch, checkMessages.nonExhaustiveTagged(missing.join(", ")), span);
  }
  return true;
}

const LITERAL_TYPE_NAMES: Partial<Record<Node["kind"], string>> = {
  Nil: "nil",
  Bool: "bool",
  Int: "int",
  Float: "float",
};

function checkUnion(
  ctx: CheckContext,
  value: Node,
  arms: readonly MatchArm[],
  scope: TypeScope,
  span: Span,
): void {
  const inferred = inferType(value, scope);
  if (inferred === null) return;
  const resolved = resolveAlias(inferred, scope);
  if (resolved.kind !== "Union") return;
  const members: readonly Ty[] = resolved.types;
  if (members.every((m) => literalKey(m) !== null)) {
    const covered = coveredLiterals(arms);
    if (covered === null) return;
    const missing = members.map((m) => literalKey(m)!).filter((k) => !covered.has(k));
    if (missing.length > 0) {
      reportError(ctx, Code.NonExhaustiveMatch, checkMessages.nonExhaustiveLiteral(missing.join(", ")), span);
    }
    return;
  }
  if (!members.every((m) => m.kind === "Named")) return;
  const covered = new Set<string>();
  for (const leaf of leaves(arms)) {
    const name = leaf.kind === "Str" && !leaf.raw ? "string" : LITERAL_TYPE_NAMES[leaf.kind];
    if (name === undefined) return;
    covered.add(name);
  }
  const missing = members.map((m) => (m as { name: string }).name).filter((n) => !covered.has(n));
  if (missing.length > 0) {
    reportError(ctx, Code.NonExhaustiveMatch, checkMessages.nonExhaustiveUnion(missing.join(", ")), span);
  }
}

/** Reports a `match` whose arms leave some case of its subject uncovered. */
export function checkMatchExhaustiveness(
  ctx: CheckContext,
  value: Node,
  arms: readonly MatchArm[],
  scope: TypeScope,
  span: Span,
): void {
  const enumName = enumSubject(value, scope);
  if (enumName !== null) return checkEnum(ctx, enumName, arms, scope, span);
  if (checkTaggedShape(ctx, value, arms, scope, span)) return;
  checkUnion(ctx, value, arms, scope, span);
}
