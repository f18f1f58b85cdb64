// State shared by one run of the checker: the diagnostics found so far, the
// program-wide scope (declarations and pre-registered callables), the
// enclosing-function bookkeeping (`try*` needs a function, `emit` a
// `gen fn`) and the names the engine says exist at run time. The tree walk
// is reached through `checkNode`/`checkBlock` fields so that helpers in
// other files can recurse without importing the walker (no import cycles).

import { type Diagnostic, errorDiagnostic } from "../diagnostics/diagnostic.ts";
import type { Code } from "../diagnostics/messages.ts";
import type { Span } from "../diagnostics/span.ts";
import type { Node } from "../syntax/ast.ts";
import type { TypeScope } from "./scope.ts";
import type { Ty } from "./types.ts";

export interface CheckContext {
  readonly diagnostics: Diagnostic[];
  /** Program-wide declarations; function bodies start from a child of it. */
  readonly global: TypeScope;
  /** Builtins and host globals (supplied by the engine). */
  readonly knownNames: ReadonlySet<string>;
  /** Names imports bring in; null when an import did not resolve (no undefined-call errors then). */
  readonly importedNames: ReadonlySet<string> | null;
  /** Every name bound anywhere in the program (variables, parameters, patterns). */
  readonly boundNames: ReadonlySet<string>;
  /** Depth of enclosing fn/tool/pipeline/closure bodies. */
  fnDepth: number;
  /** Declared element type of each enclosing `gen fn` (innermost last); empty outside one. */
  streamEmitTypes: (Ty | null)[];
  checkNode(node: Node, scope: TypeScope): void;
  checkBlock(stmts: readonly Node[], scope: TypeScope): void;
}

export function reportError(ctx: CheckContext, code: Code, message: string, span: Span, help?: string): void {
  ctx.diagnostics.push(errorDiagnostic(code, message, span, help));
}

export function reportWarning(ctx: CheckContext, code: Code, message: string, span: Span): void {
  ctx.diagnostics.push({ code, severity: "warning", message, span });
}
