// Syntax tree of the prompt-template language (`.prompt` / `.harn.prompt`
// assets and inline `render_string` templates). Nodes carry the 1-based
// line/column of their opening `{{` so render-time errors can point at it.

import type { Value } from "../../vm/values.ts";

/** A template body: literal text, interpolations and block directives. */
export type TemplateNode =
  | { readonly kind: "text"; readonly text: string }
  | { readonly kind: "expr"; readonly expr: TemplateExpr; readonly line: number; readonly col: number }
  /** A bare `{{ident}}`: renders its own source text when the name is unbound (pre-v2 behaviour). */
  | { readonly kind: "bare"; readonly name: string }
  | {
      readonly kind: "if";
      readonly branches: readonly IfBranch[];
      readonly otherwise: readonly TemplateNode[] | undefined;
      readonly line: number;
      readonly col: number;
    }
  | {
      readonly kind: "for";
      readonly valueVar: string;
      readonly keyVar: string | undefined;
      readonly iterable: TemplateExpr;
      readonly body: readonly TemplateNode[];
      /** The `{{ else }}` body, rendered when the iterable is empty. */
      readonly empty: readonly TemplateNode[] | undefined;
      readonly line: number;
      readonly col: number;
    }
  | {
      readonly kind: "include";
      readonly path: TemplateExpr;
      /** Bindings of `with { k: expr, ... }`, in source order. */
      readonly with: readonly (readonly [string, TemplateExpr])[] | undefined;
      readonly line: number;
      readonly col: number;
    };

export interface IfBranch {
  readonly cond: TemplateExpr;
  readonly body: readonly TemplateNode[];
}

/** One step of a path expression: `.field`, `[3]` or `["key"]`. */
export type PathSegment =
  | { readonly kind: "field"; readonly name: string }
  | { readonly kind: "index"; readonly index: number }
  | { readonly kind: "key"; readonly key: string };

export type CompareOp = "==" | "!=" | "<" | "<=" | ">" | ">=";

export type TemplateExpr =
  | { readonly kind: "literal"; readonly value: Value }
  | { readonly kind: "path"; readonly head: string; readonly segments: readonly PathSegment[] }
  | { readonly kind: "not"; readonly operand: TemplateExpr }
  | { readonly kind: "and" | "or"; readonly left: TemplateExpr; readonly right: TemplateExpr }
  | {
      readonly kind: "compare";
      readonly op: CompareOp;
      readonly left: TemplateExpr;
      readonly right: TemplateExpr;
    }
  | {
      readonly kind: "filter";
      readonly input: TemplateExpr;
      readonly name: string;
      readonly args: readonly TemplateExpr[];
    };
