// The `|>` placeholder: `x |> f(_, 1)` means `x |> { __pipe -> f(__pipe, 1) }`.
// `_` is recognised in the call/method/operator/list/property/subscript
// positions the reference desugars; elsewhere it stays a plain name.

import type { Node } from "../syntax/ast.ts";

const PIPE_PARAM = "__pipe";

function contains(n: Node): boolean {
  switch (n.kind) {
    case "Ident":
      return n.name === "_";
    case "Call":
      return n.args.some(contains);
    case "MethodCall":
      return contains(n.object) || n.args.some(contains);
    case "Binary":
      return contains(n.left) || contains(n.right);
    case "Unary":
      return contains(n.operand);
    case "List":
      return n.elements.some(contains);
    case "Property":
      return contains(n.object);
    case "Subscript":
      return contains(n.object) || contains(n.index);
    default:
      return false;
  }
}

function replace(n: Node): Node {
  switch (n.kind) {
    case "Ident":
      return n.name === "_" ? { ...n, name: PIPE_PARAM } : n;
    case "Call":
      return { ...n, args: n.args.map(replace) };
    case "MethodCall":
      return { ...n, object: replace(n.object), args: n.args.map(replace) };
    case "Binary":
      return { ...n, left: replace(n.left), right: replace(n.right) };
    case "Unary":
      return { ...n, operand: replace(n.operand) };
    case "List":
      return { ...n, elements: n.elements.map(replace) };
    case "Property":
      return { ...n, object: replace(n.object) };
    case "Subscript":
      return { ...n, object: replace(n.object), index: replace(n.index) };
    default:
      return n;
  }
}

/** The closure `rhs` stands for when it contains `_`, else undefined. */
export function placeholderClosure(rhs: Node): Node | undefined {
  if (!contains(rhs)) return undefined;
  return {
    kind: "Closure",
    params: [{ name: PIPE_PARAM, rest: false, span: rhs.span }],
    body: [replace(rhs)],
    fnSyntax: false,
    span: rhs.span,
  };
}
