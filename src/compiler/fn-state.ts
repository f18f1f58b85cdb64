// Per-function compile state: block scopes mapping names to local slots,
// captured variables, loop targets and the try/finally regions a
// break/continue/return must unwind through. Name resolution walks
// outwards: this function's scopes, enclosing functions (creating a
// capture), module globals, and finally a run-time name lookup.

import type { CaptureSource } from "../bytecode/proto.ts";
import type { Node } from "../syntax/ast.ts";
import { CodeBuilder } from "./code-builder.ts";

export interface LocalVar {
  readonly name: string;
  readonly slot: number;
  readonly mutable: boolean;
  /** The slot holds a shared cell (fn declarations, self-referencing closures). */
  readonly isCell: boolean;
}

export interface LoopContext {
  readonly continueTarget: number | undefined;
  /** Code positions of `continue` jumps when the target is not known yet. */
  readonly continuePatches: number[];
  readonly breakPatches: number[];
  /** `finallies.length` and `tryDepth` when the loop started. */
  readonly finallyDepth: number;
  readonly tryDepth: number;
  /** Values the loop keeps on the operand stack (an iterator) to pop on break. */
  readonly stackItems: number;
}

/** A pending cleanup that break/continue/return must run on the way out. */
export type Cleanup =
  | { readonly kind: "finally"; readonly body: readonly Node[] }
  | { readonly kind: "handler" }
  /** Call `intrinsic(locals[slot])` (deadline / mutex exit). */
  | { readonly kind: "release"; readonly intrinsic: string; readonly slot: number };

export type Resolved =
  | { readonly kind: "local"; readonly local: LocalVar }
  | { readonly kind: "global"; readonly index: number; readonly mutable: boolean }
  | { readonly kind: "name" };

export class FnState {
  readonly code = new CodeBuilder();
  private readonly scopes: Map<string, LocalVar>[] = [new Map()];
  readonly localNames: string[] = [];
  readonly captures: CaptureSource[] = [];
  readonly loops: LoopContext[] = [];
  readonly cleanups: Cleanup[] = [];
  /** Number of `TryBegin` handlers currently open. */
  tryDepth = 0;
  isGenerator = false;

  constructor(
    readonly parent: FnState | undefined,
    readonly name: string,
    /** True for a module's top-level code, whose depth-0 names are globals. */
    readonly isModuleMain: boolean,
  ) {}

  get depth(): number {
    return this.scopes.length - 1;
  }

  get nLocals(): number {
    return this.localNames.length;
  }

  pushScope(): void {
    this.scopes.push(new Map());
  }

  popScope(): void {
    this.scopes.pop();
  }

  /** A fresh slot that no name resolves to (temporaries). */
  temp(label: string): number {
    this.localNames.push(`%${label}`);
    return this.localNames.length - 1;
  }

  declare(name: string, mutable: boolean, isCell = false): LocalVar {
    const local: LocalVar = { name, slot: this.localNames.length, mutable, isCell };
    this.localNames.push(name);
    this.scopes[this.scopes.length - 1]!.set(name, local);
    return local;
  }

  /** The binding of `name` in the innermost scope only (redeclaration checks). */
  declaredHere(name: string): LocalVar | undefined {
    return this.scopes[this.scopes.length - 1]!.get(name);
  }

  lookupLocal(name: string): LocalVar | undefined {
    for (let i = this.scopes.length - 1; i >= 0; i--) {
      const found = this.scopes[i]!.get(name);
      if (found) return found;
    }
    return undefined;
  }

  /** Resolve `name` here, capturing it from enclosing functions if needed. */
  resolveLocal(name: string): LocalVar | undefined {
    const own = this.lookupLocal(name);
    if (own) return own;
    if (!this.parent) return undefined;
    const outer = this.parent.resolveLocal(name);
    if (!outer) return undefined;
    // A capture lives in a local slot of this function, copied in at call time.
    const local: LocalVar = {
      name,
      slot: this.localNames.length,
      mutable: outer.mutable,
      isCell: outer.isCell,
    };
    this.localNames.push(name);
    this.scopes[0]!.set(name, local);
    this.captures.push({ from: outer.slot, slot: local.slot, name });
    return local;
  }
}
