// Lexical scopes of the type checker: variable types (null = untyped),
// function signatures, and the type-level declarations (aliases, enums,
// structs, interfaces, impl methods) visible at a point of the program,
// plus the generic parameters and `where` bounds of the enclosing function.
// A child scope shadows its parent; flow narrowing defines a variable again
// in a child scope and remembers the pre-narrowing type so a reassignment
// can restore it (spec: "Flow-sensitive type refinement").

import { NO_SPAN } from "../diagnostics/span.ts";
import type {
  EnumVariantDecl,
  InterfaceMethod,
  StructFieldDecl,
  TypeParam,
  WhereClause,
} from "../syntax/ast.ts";
import type { Inferred, Ty } from "./types.ts";

export interface FnSig {
  readonly params: readonly { readonly name: string; readonly type: Ty | null }[];
  readonly returnType: Ty | null;
  readonly typeParams: readonly string[];
  readonly requiredParams: number;
  readonly whereClauses: readonly WhereClause[];
  readonly hasRest: boolean;
}

export interface EnumInfo {
  readonly typeParams: readonly TypeParam[];
  readonly variants: readonly EnumVariantDecl[];
}

export interface StructInfo {
  readonly typeParams: readonly TypeParam[];
  readonly fields: readonly StructFieldDecl[];
}

export interface InterfaceInfo {
  readonly typeParams: readonly TypeParam[];
  readonly associatedTypes: readonly { readonly name: string; readonly type?: Ty }[];
  readonly methods: readonly InterfaceMethod[];
}

export interface AliasInfo {
  readonly typeParams: readonly TypeParam[];
  readonly body: Ty;
}

/** An impl-block method as interface satisfaction sees it (`self` dropped). */
export interface ImplMethodSig {
  readonly name: string;
  readonly paramTypes: readonly (Ty | null)[];
  readonly returnType: Ty | null;
}

export type Variance = TypeParam["variance"];

/** Narrowings a condition implies on its true and false branches. */
export interface Refinements {
  readonly truthy: readonly (readonly [string, Inferred])[];
  readonly falsy: readonly (readonly [string, Inferred])[];
}

export const NO_REFINEMENTS: Refinements = { truthy: [], falsy: [] };

export function invert(r: Refinements): Refinements {
  return { truthy: r.falsy, falsy: r.truthy };
}

/** The built-in `Result<T, E>` enum every program can name. */
const RESULT_ENUM: EnumInfo = {
  typeParams: [
    { name: "T", variance: "out" },
    { name: "E", variance: "out" },
  ],
  variants: [
    {
      name: "Ok",
      fields: [{ name: "value", type: { kind: "Named", name: "T" }, rest: false, span: NO_SPAN }],
    },
    {
      name: "Err",
      fields: [{ name: "error", type: { kind: "Named", name: "E" }, rest: false, span: NO_SPAN }],
    },
  ],
};

export class TypeScope {
  readonly vars = new Map<string, Inferred>();
  readonly fns = new Map<string, FnSig>();
  readonly aliases = new Map<string, AliasInfo>();
  readonly enums = new Map<string, EnumInfo>();
  readonly structs = new Map<string, StructInfo>();
  readonly interfaces = new Map<string, InterfaceInfo>();
  readonly impls = new Map<string, readonly ImplMethodSig[]>();
  readonly generics = new Set<string>();
  readonly mutable = new Set<string>();
  /** Pre-narrowing types of variables narrowed in this very scope. */
  readonly narrowed = new Map<string, Inferred>();

  constructor(readonly parent: TypeScope | null = null) {
    if (parent === null) this.enums.set("Result", RESULT_ENUM);
  }

  child(): TypeScope {
    return new TypeScope(this);
  }

  private find<V>(pick: (s: TypeScope) => ReadonlyMap<string, V>, name: string): V | undefined {
    for (let s: TypeScope | null = this; s !== null; s = s.parent) {
      const v = pick(s).get(name);
      if (v !== undefined || pick(s).has(name)) return v;
    }
    return undefined;
  }

  /** The variable's type; null when declared untyped; undefined when not declared. */
  getVar(name: string): Inferred | undefined {
    for (let s: TypeScope | null = this; s !== null; s = s.parent) {
      if (s.vars.has(name)) return s.vars.get(name) ?? null;
    }
    return undefined;
  }

  defineVar(name: string, type: Inferred, mutable = false): void {
    if (name === "_") return;
    this.vars.set(name, type);
    if (mutable) this.mutable.add(name);
  }

  isMutable(name: string): boolean {
    for (let s: TypeScope | null = this; s !== null; s = s.parent) if (s.mutable.has(name)) return true;
    return false;
  }

  getFn(name: string): FnSig | undefined {
    return this.find((s) => s.fns, name);
  }

  getAlias(name: string): AliasInfo | undefined {
    return this.find((s) => s.aliases, name);
  }

  getEnum(name: string): EnumInfo | undefined {
    return this.find((s) => s.enums, name);
  }

  getStruct(name: string): StructInfo | undefined {
    return this.find((s) => s.structs, name);
  }

  getInterface(name: string): InterfaceInfo | undefined {
    return this.find((s) => s.interfaces, name);
  }

  getImpl(name: string): readonly ImplMethodSig[] | undefined {
    return this.find((s) => s.impls, name);
  }

  isGeneric(name: string): boolean {
    for (let s: TypeScope | null = this; s !== null; s = s.parent) if (s.generics.has(name)) return true;
    return false;
  }

  /** True when `name` names a type declared in scope (alias, enum, struct, interface). */
  isDeclaredType(name: string): boolean {
    return (
      this.getAlias(name) !== undefined ||
      this.getEnum(name) !== undefined ||
      this.getStruct(name) !== undefined ||
      this.getInterface(name) !== undefined
    );
  }

  /** Declared variance of each type parameter of a user generic; null when unknown. */
  varianceOf(name: string): readonly Variance[] | null {
    const info = this.getEnum(name) ?? this.getStruct(name) ?? this.getInterface(name);
    return info ? info.typeParams.map((p) => p.variance) : null;
  }

  /** Every function name visible here (nearest scope first). */
  allFnNames(): string[] {
    const names: string[] = [];
    for (let s: TypeScope | null = this; s !== null; s = s.parent) names.push(...[...s.fns.keys()].sort());
    return names;
  }

  /** Applies narrowings, remembering each variable's pre-narrowing type here. */
  applyRefinements(list: Refinements["truthy"]): void {
    for (const [name, type] of list) {
      if (!this.narrowed.has(name)) {
        const original = this.getVar(name);
        if (original !== undefined) this.narrowed.set(name, original);
      }
      if (name !== "_") this.vars.set(name, type);
    }
  }
}
