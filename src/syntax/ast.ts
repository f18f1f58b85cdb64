// The abstract syntax tree: one tagged union `Node` for statements and
// expressions (Harn's if/match/try/parallel are expressions), plus the
// helper shapes for patterns, parameters, attributes and type annotations.
// Every node carries the span of the source it came from.

import type { Span } from "../diagnostics/span.ts";

export type TypeExpr =
  | { readonly kind: "Named"; readonly name: string }
  | { readonly kind: "Union"; readonly types: readonly TypeExpr[] }
  | { readonly kind: "Shape"; readonly fields: readonly ShapeField[] }
  | { readonly kind: "List"; readonly elem: TypeExpr }
  | { readonly kind: "Dict"; readonly key: TypeExpr; readonly value: TypeExpr }
  | { readonly kind: "Iter"; readonly elem: TypeExpr }
  | { readonly kind: "Generator"; readonly elem: TypeExpr }
  | { readonly kind: "Stream"; readonly elem: TypeExpr }
  | { readonly kind: "Applied"; readonly name: string; readonly args: readonly TypeExpr[] }
  | { readonly kind: "Fn"; readonly params: readonly TypeExpr[]; readonly ret: TypeExpr }
  | { readonly kind: "Never" }
  | { readonly kind: "LitString"; readonly value: string }
  | { readonly kind: "LitInt"; readonly value: number | bigint };

export interface ShapeField {
  readonly name: string;
  readonly type: TypeExpr;
  readonly optional: boolean;
}

export interface TypeParam {
  readonly name: string;
  readonly variance: "invariant" | "out" | "in";
}

export interface WhereClause {
  readonly typeName: string;
  readonly bound: string;
}

export interface Param {
  readonly name: string;
  readonly type?: TypeExpr;
  readonly defaultValue?: Node;
  readonly rest: boolean;
  readonly span: Span;
}

export interface Attribute {
  readonly name: string;
  readonly args: readonly { readonly name?: string; readonly value: Node }[];
  readonly span: Span;
}

export interface DictEntry {
  /** A string-literal node for `name:` / `"name":` keys, any expression for `[expr]:`, null for `...spread`. */
  readonly key: Node | null;
  readonly value: Node;
}

export interface DictPatternField {
  readonly key: string;
  readonly alias?: string;
  readonly rest: boolean;
  readonly defaultValue?: Node;
}

export interface ListPatternElement {
  readonly name: string;
  readonly rest: boolean;
  readonly defaultValue?: Node;
}

export type BindingPattern =
  | { readonly kind: "Ident"; readonly name: string }
  | { readonly kind: "Dict"; readonly fields: readonly DictPatternField[] }
  | { readonly kind: "List"; readonly elements: readonly ListPatternElement[] }
  | { readonly kind: "Pair"; readonly first: string; readonly second: string };

export interface MatchArm {
  readonly pattern: Node;
  readonly guard?: Node;
  readonly body: readonly Node[];
}

export interface SelectCase {
  readonly variable: string;
  readonly channel: Node;
  readonly body: readonly Node[];
}

export interface EnumVariantDecl {
  readonly name: string;
  readonly fields: readonly Param[];
}

export interface StructFieldDecl {
  readonly name: string;
  readonly type?: TypeExpr;
  readonly optional: boolean;
}

export interface InterfaceMethod {
  readonly name: string;
  readonly typeParams: readonly TypeParam[];
  readonly params: readonly Param[];
  readonly returnType?: TypeExpr;
}

export type InterpPart =
  | { readonly kind: "lit"; readonly text: string }
  | { readonly kind: "expr"; readonly expr: Node };

export type ParallelMode = "count" | "each" | "each_stream" | "settle";

type Body = readonly Node[];

/** Distributes `span` over every member of a union of node shapes. */
type WithSpan<U> = U extends unknown ? U & { readonly span: Span } : never;

export type Node = WithSpan<
  // declarations
  | { readonly kind: "AttributedDecl"; readonly attributes: readonly Attribute[]; readonly inner: Node }
  | {
      readonly kind: "Pipeline";
      readonly name: string;
      readonly params: readonly string[];
      readonly returnType?: TypeExpr;
      readonly body: Body;
      readonly extends?: string;
      readonly isPub: boolean;
    }
  | {
      readonly kind: "OverrideDecl";
      readonly name: string;
      readonly params: readonly string[];
      readonly body: Body;
    }
  | { readonly kind: "Import"; readonly path: string; readonly isPub: boolean }
  | {
      readonly kind: "SelectiveImport";
      readonly names: readonly string[];
      readonly path: string;
      readonly isPub: boolean;
    }
  | {
      readonly kind: "EnumDecl";
      readonly name: string;
      readonly typeParams: readonly TypeParam[];
      readonly variants: readonly EnumVariantDecl[];
      readonly isPub: boolean;
    }
  | {
      readonly kind: "StructDecl";
      readonly name: string;
      readonly typeParams: readonly TypeParam[];
      readonly fields: readonly StructFieldDecl[];
      readonly isPub: boolean;
    }
  | {
      readonly kind: "InterfaceDecl";
      readonly name: string;
      readonly typeParams: readonly TypeParam[];
      readonly associatedTypes: readonly { readonly name: string; readonly type?: TypeExpr }[];
      readonly methods: readonly InterfaceMethod[];
    }
  | { readonly kind: "ImplBlock"; readonly typeName: string; readonly methods: readonly Node[] }
  | {
      readonly kind: "FnDecl";
      readonly name: string;
      readonly typeParams: readonly TypeParam[];
      readonly params: readonly Param[];
      readonly returnType?: TypeExpr;
      readonly whereClauses: readonly WhereClause[];
      readonly body: Body;
      readonly isPub: boolean;
      readonly isStream: boolean;
    }
  | {
      readonly kind: "ToolDecl";
      readonly name: string;
      readonly description?: string;
      readonly params: readonly Param[];
      readonly returnType?: TypeExpr;
      readonly body: Body;
      readonly isPub: boolean;
    }
  | {
      readonly kind: "SkillDecl";
      readonly name: string;
      readonly fields: readonly (readonly [string, Node])[];
      readonly isPub: boolean;
    }
  | {
      readonly kind: "EvalPackDecl";
      readonly bindingName: string;
      readonly packId: string;
      readonly fields: readonly (readonly [string, Node])[];
      readonly body: Body;
      readonly summarize?: Body;
      readonly isPub: boolean;
    }
  | {
      readonly kind: "TypeDecl";
      readonly name: string;
      readonly typeParams: readonly TypeParam[];
      readonly type: TypeExpr;
    }
  // statements
  | { readonly kind: "Let"; readonly pattern: BindingPattern; readonly type?: TypeExpr; readonly value: Node }
  | { readonly kind: "Var"; readonly pattern: BindingPattern; readonly type?: TypeExpr; readonly value: Node }
  | { readonly kind: "If"; readonly cond: Node; readonly then: Body; readonly else?: Body }
  | { readonly kind: "ForIn"; readonly pattern: BindingPattern; readonly iterable: Node; readonly body: Body }
  | { readonly kind: "Match"; readonly value: Node; readonly arms: readonly MatchArm[] }
  | { readonly kind: "While"; readonly cond: Node; readonly body: Body }
  | { readonly kind: "Retry"; readonly count: Node; readonly body: Body }
  | { readonly kind: "Return"; readonly value?: Node }
  | {
      readonly kind: "TryCatch";
      readonly body: Body;
      readonly errorVar?: string;
      readonly errorType?: TypeExpr;
      readonly catchBody: Body;
      readonly hasCatch: boolean;
      readonly finallyBody?: Body;
    }
  | { readonly kind: "TryExpr"; readonly body: Body }
  | { readonly kind: "Spawn"; readonly body: Body }
  | { readonly kind: "Guard"; readonly cond: Node; readonly elseBody: Body }
  | { readonly kind: "Require"; readonly cond: Node; readonly message?: Node }
  | { readonly kind: "Defer"; readonly body: Body }
  | { readonly kind: "Deadline"; readonly duration: Node; readonly body: Body }
  | { readonly kind: "Yield"; readonly value?: Node }
  | { readonly kind: "Emit"; readonly value: Node }
  | { readonly kind: "Mutex"; readonly body: Body }
  | { readonly kind: "Break" }
  | { readonly kind: "Continue" }
  | {
      readonly kind: "Parallel";
      readonly mode: ParallelMode;
      readonly expr: Node;
      readonly variable?: string;
      readonly body: Body;
      readonly options: readonly (readonly [string, Node])[];
    }
  | {
      readonly kind: "Select";
      readonly cases: readonly SelectCase[];
      readonly timeout?: { readonly duration: Node; readonly body: Body };
      readonly defaultBody?: Body;
    }
  | { readonly kind: "Throw"; readonly value: Node }
  | { readonly kind: "Assign"; readonly target: Node; readonly value: Node; readonly op?: string }
  // expressions
  | {
      readonly kind: "Call";
      readonly name: string;
      readonly typeArgs: readonly TypeExpr[];
      readonly args: readonly Node[];
    }
  | {
      readonly kind: "MethodCall";
      readonly object: Node;
      readonly method: string;
      readonly args: readonly Node[];
      readonly optional: boolean;
    }
  | { readonly kind: "Property"; readonly object: Node; readonly name: string; readonly optional: boolean }
  | { readonly kind: "Subscript"; readonly object: Node; readonly index: Node; readonly optional: boolean }
  | { readonly kind: "Slice"; readonly object: Node; readonly start?: Node; readonly end?: Node }
  | { readonly kind: "Binary"; readonly op: string; readonly left: Node; readonly right: Node }
  | { readonly kind: "Unary"; readonly op: "!" | "-"; readonly operand: Node }
  | { readonly kind: "Ternary"; readonly cond: Node; readonly then: Node; readonly else: Node }
  | { readonly kind: "Range"; readonly start: Node; readonly end: Node; readonly inclusive: boolean }
  | { readonly kind: "StructConstruct"; readonly name: string; readonly fields: readonly DictEntry[] }
  | { readonly kind: "Interp"; readonly parts: readonly InterpPart[] }
  | { readonly kind: "Str"; readonly value: string; readonly raw: boolean }
  | { readonly kind: "Int"; readonly value: number | bigint }
  | { readonly kind: "Float"; readonly value: number }
  | { readonly kind: "Duration"; readonly ms: number }
  | { readonly kind: "Bool"; readonly value: boolean }
  | { readonly kind: "Nil" }
  | { readonly kind: "Ident"; readonly name: string }
  | { readonly kind: "List"; readonly elements: readonly Node[] }
  | { readonly kind: "Dict"; readonly entries: readonly DictEntry[] }
  | { readonly kind: "Spread"; readonly expr: Node }
  | { readonly kind: "TryOp"; readonly operand: Node }
  | { readonly kind: "TryStar"; readonly operand: Node }
  | { readonly kind: "OrPattern"; readonly alternatives: readonly Node[] }
  | { readonly kind: "Block"; readonly body: Body }
  | {
      readonly kind: "Closure";
      readonly params: readonly Param[];
      readonly body: Body;
      readonly fnSyntax: boolean;
    }
>;

export type NodeKind = Node["kind"];
/** A node before its span is attached (distributes over the union). */
export type NodeInit = Node extends infer U ? (U extends unknown ? Omit<U, "span"> : never) : never;
export type NodeOf<K extends NodeKind> = Extract<Node, { kind: K }>;

/** `_` discards a value in let/var/for patterns. */
export function isDiscard(name: string): boolean {
  return name === "_";
}

/** Strips an `AttributedDecl` wrapper, returning the attributes and the declaration. */
export function peelAttributes(node: Node): { attributes: readonly Attribute[]; decl: Node } {
  return node.kind === "AttributedDecl"
    ? { attributes: node.attributes, decl: node.inner }
    : { attributes: [], decl: node };
}
