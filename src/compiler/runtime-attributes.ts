// `@step(...)` and `@persona(...)` on top-level functions register the
// function with the step runtime when the module loads:
// `__register_step(fn_name, {name, model, ...})` and
// `__register_persona(fn_name, {...})`. Attribute arguments are metadata,
// not code: literals stay literals, a bare identifier is its name as a
// string (`error_boundary: continue`), and any other expression is kept as
// its source-like text.

import type { Attribute, Node, NodeInit } from "../syntax/ast.ts";
import { peelAttributes } from "../syntax/ast.ts";

/** Attribute name → the runtime registration intrinsic it lowers to. */
export const REGISTERED_ATTRIBUTES: Readonly<Record<string, string>> = {
  step: "__register_step",
  persona: "__register_persona",
};

export interface Registration {
  readonly intrinsic: string;
  readonly fnName: string;
  /** A dict literal built only from literal nodes. */
  readonly metadata: Node;
  readonly at: Node;
}

/** The registrations the top-level declarations of a file ask for, in source order. */
export function registrationsOf(program: readonly Node[]): Registration[] {
  const out: Registration[] = [];
  for (const node of program) {
    const { attributes, decl } = peelAttributes(node);
    if (decl.kind !== "FnDecl") continue;
    for (const attr of attributes) {
      const intrinsic = REGISTERED_ATTRIBUTES[attr.name];
      if (intrinsic !== undefined) {
        out.push({ intrinsic, fnName: decl.name, metadata: metadataDict(attr), at: node });
      }
    }
  }
  return out;
}

function node(init: NodeInit, like: { span: Node["span"] }): Node {
  return { ...init, span: like.span } as Node;
}

function metadataDict(attr: Attribute): Node {
  const entries = attr.args
    .filter((a) => a.name !== undefined)
    .map((a) => ({ key: node({ kind: "Str", value: a.name!, raw: false }, attr), value: literal(a.value) }));
  return node({ kind: "Dict", entries }, attr);
}

function literal(n: Node): Node {
  switch (n.kind) {
    case "Str":
    case "Int":
    case "Float":
    case "Bool":
    case "Nil":
    case "Duration":
      return n;
    case "Unary":
      return n.op === "-" && (n.operand.kind === "Int" || n.operand.kind === "Float") ? n : text(n);
    case "Ident":
      return node({ kind: "Str", value: n.name, raw: false }, n);
    case "List":
      return node({ kind: "List", elements: n.elements.map(literal) }, n);
    case "Dict":
      return node(
        {
          kind: "Dict",
          entries: n.entries.map((e) => ({
            key: e.key === null ? null : keyLiteral(e.key),
            value: literal(e.value),
          })),
        },
        n,
      );
    default:
      return text(n);
  }
}

function keyLiteral(k: Node): Node {
  return k.kind === "Str" ? k : node({ kind: "Str", value: sourceText(k), raw: false }, k);
}

function text(n: Node): Node {
  return node({ kind: "Str", value: sourceText(n), raw: false }, n);
}

/** A compact source-like rendering of an expression used as attribute metadata. */
function sourceText(n: Node): string {
  switch (n.kind) {
    case "Ident":
      return n.name;
    case "Str":
      return JSON.stringify(n.value);
    case "Int":
    case "Float":
    case "Bool":
      return String(n.value);
    case "Nil":
      return "nil";
    case "Property":
      return `${sourceText(n.object)}.${n.name}`;
    case "Unary":
      return `${n.op}${sourceText(n.operand)}`;
    case "Call":
      return `${n.name}(${n.args.map(sourceText).join(", ")})`;
    default:
      return n.kind;
  }
}
