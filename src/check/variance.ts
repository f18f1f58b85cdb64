// Declaration-site variance (spec: "Variance"): a type parameter declared
// `out T` may appear only in covariant positions of its declaration, `in T`
// only in contravariant ones; unmarked parameters may appear anywhere.
// Function parameters are contravariant and results covariant, struct
// fields and `list`/`dict` elements invariant, enum payloads and alias
// bodies covariant; user generics compose their own declared markers.

import { Code, checkMessages } from "../diagnostics/messages.ts";
import type { Span } from "../diagnostics/span.ts";
import type { Node, Param, TypeExpr, TypeParam } from "../syntax/ast.ts";
import { type CheckContext, reportError } from "./context.ts";
import { compose, type Polarity } from "./subtype.ts";

const POSITION_WORD: Record<Polarity, string> = {
  co: "covariant",
  contra: "contravariant",
  inv: "invariant",
};

type Position = readonly [TypeExpr, Polarity];

function walk(
  ctx: CheckContext,
  decl: string,
  t: TypeExpr,
  polarity: Polarity,
  declared: ReadonlyMap<string, TypeParam["variance"]>,
  span: Span,
): void {
  const go = (x: TypeExpr, p: Polarity): void => walk(ctx, decl, x, p, declared, span);
  switch (t.kind) {
    case "Named": {
      const variance = declared.get(t.name);
      if (variance === undefined || variance === "invariant") return;
      if ((variance === "out" && polarity === "co") || (variance === "in" && polarity === "contra")) return;
      const word = variance === "out" ? "covariant" : "contravariant";
      const message = checkMessages.varianceViolation(t.name, variance, word, POSITION_WORD[polarity], decl);
      reportError(ctx, Code.VarianceViolation, message, span);
      return;
    }
    case "List":
      return go(t.elem, "inv");
    case "Iter":
    case "Generator":
    case "Stream":
      return go(t.elem, polarity);
    case "Dict":
      go(t.key, "inv");
      return go(t.value, "inv");
    case "Shape":
      for (const f of t.fields) go(f.type, polarity);
      return;
    case "Union":
      for (const m of t.types) go(m, polarity);
      return;
    case "Fn":
      for (const p of t.params) go(p, compose(polarity, "in"));
      return go(t.ret, polarity);
    case "Applied": {
      const variances = ctx.global.varianceOf(t.name);
      for (const [i, a] of t.args.entries()) go(a, compose(polarity, variances?.[i] ?? "invariant"));
      return;
    }
    default:
      return;
  }
}

function check(
  ctx: CheckContext,
  decl: string,
  typeParams: readonly TypeParam[],
  positions: readonly Position[],
  span: Span,
): void {
  if (typeParams.every((p) => p.variance === "invariant")) return;
  const declared = new Map(typeParams.map((p) => [p.name, p.variance] as const));
  for (const [t, polarity] of positions) walk(ctx, decl, t, polarity, declared, span);
}

function paramPositions(params: readonly Param[]): Position[] {
  return params.flatMap((p): Position[] => (p.type ? [[p.type, "contra"]] : []));
}

/** Checks the declared variance markers of a generic declaration. */
export function checkDeclVariance(ctx: CheckContext, node: Node): void {
  switch (node.kind) {
    case "FnDecl": {
      const positions = paramPositions(node.params);
      if (node.returnType) positions.push([node.returnType, "co"]);
      return check(ctx, `function '${node.name}'`, node.typeParams, positions, node.span);
    }
    case "TypeDecl":
      return check(ctx, `type alias '${node.name}'`, node.typeParams, [[node.type, "co"]], node.span);
    case "EnumDecl": {
      const positions = node.variants.flatMap((v) =>
        v.fields.flatMap((f): Position[] => (f.type ? [[f.type, "co"]] : [])),
      );
      return check(ctx, `enum '${node.name}'`, node.typeParams, positions, node.span);
    }
    case "StructDecl": {
      const positions = node.fields.flatMap((f): Position[] => (f.type ? [[f.type, "inv"]] : []));
      return check(ctx, `struct '${node.name}'`, node.typeParams, positions, node.span);
    }
    case "InterfaceDecl": {
      const positions = node.methods.flatMap((m): Position[] => {
        const ps = paramPositions(m.params);
        return m.returnType ? [...ps, [m.returnType, "co"]] : ps;
      });
      return check(ctx, `interface '${node.name}'`, node.typeParams, positions, node.span);
    }
    default:
      return;
  }
}
