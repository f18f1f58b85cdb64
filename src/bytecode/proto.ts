// Compiled function prototypes: code, constant pool, line table, slot
// layout and capture recipe. The bytecode layer knows nothing about runtime
// values, so constants are a small tagged union that the VM materialises
// once per prototype when it first links it (`FnProto.runtime`).

import type { SchemaJson } from "../check/type-schema.ts";
import type { TypeExpr } from "../syntax/ast.ts";

export type Constant =
  | { readonly k: "int"; readonly v: number | bigint }
  | { readonly k: "float"; readonly v: number }
  | { readonly k: "str"; readonly v: string }
  | { readonly k: "duration"; readonly v: number }
  /** A list of strings (used for dict-rest key sets and similar tables). */
  | { readonly k: "strs"; readonly v: readonly string[] }
  /** A struct / enum / interface declaration the VM registers when linking. */
  | { readonly k: "decl"; readonly v: TypeDeclInfo }
  /** A type annotation (typed catch clauses). */
  | { readonly k: "type"; readonly v: TypeExpr }
  /** A JSON-like literal (schemas lowered from type annotations), materialised as dicts/lists. */
  | { readonly k: "json"; readonly v: SchemaJson };

export type TypeDeclInfo =
  | {
      readonly kind: "struct";
      readonly name: string;
      readonly fields: readonly {
        readonly name: string;
        readonly optional: boolean;
        readonly type?: TypeExpr;
      }[];
    }
  | {
      readonly kind: "enum";
      readonly name: string;
      readonly variants: readonly { readonly name: string; readonly fields: readonly string[] }[];
    }
  | { readonly kind: "interface"; readonly name: string; readonly methods: readonly string[] };

/**
 * One captured variable: read from the creating frame's local `from` when
 * the closure is made, copied into the callee's local `slot` on each call
 * (so assignments inside a call never leak out — Harn captures by value).
 * Cells (shared boxes) are copied as the box itself.
 */
export interface CaptureSource {
  readonly from: number;
  readonly slot: number;
  readonly name: string;
}

export class FnProto {
  /** Filled in by the VM on first execution (linked constants, caches). */
  runtime: unknown = undefined;

  constructor(
    readonly name: string,
    readonly code: Int32Array,
    readonly consts: readonly Constant[],
    /** Source line of each code index (0 where unknown). */
    readonly lines: Int32Array,
    /** Source column of each code index. */
    readonly cols: Int32Array,
    readonly protos: readonly FnProto[],
    readonly paramNames: readonly string[],
    /** Index of the first parameter with a default value, or -1. */
    readonly defaultsStart: number,
    readonly hasRest: boolean,
    /** Total local slots, parameters first. */
    readonly nLocals: number,
    readonly captures: readonly CaptureSource[],
    readonly isGenerator: boolean,
    readonly isStream: boolean,
    /** Names of the local slots, for the disassembler and debugging. */
    readonly localNames: readonly string[],
    readonly file: string,
  ) {}

  /** Positional parameters (the rest parameter excluded). */
  get nParams(): number {
    return this.hasRest ? this.paramNames.length - 1 : this.paramNames.length;
  }
}

/** A compiled source file: its top-level code and module-global layout. */
export interface CompiledModule {
  readonly main: FnProto;
  /** Names of module-global slots (top-level let/var/fn/struct/enum). */
  readonly globals: readonly string[];
  /** Globals exported to importers (`pub`, or all fns when none is pub). */
  readonly exports: readonly string[];
  /** Import requests in source order, resolved by the VM's module loader. */
  readonly imports: readonly ImportRequest[];
  readonly file: string;
}

export interface ImportRequest {
  readonly path: string;
  /** Selected names, or undefined for a wildcard import. */
  readonly names?: readonly string[];
  readonly isPub: boolean;
  readonly line: number;
}
