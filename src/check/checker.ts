// Entry point of the static checker (spec: "Static type checking"). It runs
// after parsing and before compiling: the first error it reports aborts the
// run with that message; warnings are informational. The checker is
// gradual — whatever it cannot type is unknown and never reported — so a
// program the run time accepts is not rejected for lack of knowledge.
//
// Order of work: register type declarations and pre-register callables
// (forward references resolve), then check the top level: each pipeline
// and function body in a child of the program scope, every other statement
// in a scratch scope whose new names are then kept (as untyped).

import type { Diagnostic } from "../diagnostics/diagnostic.ts";
import type { Node } from "../syntax/ast.ts";
import { collectBoundNames } from "./bound-names.ts";
import type { CheckContext } from "./context.ts";
import {
  checkFnBody,
  checkPipeline,
  fnSignature,
  registerCallablePlaceholders,
  registerDeclarations,
} from "./declarations.ts";
import { TypeScope } from "./scope.ts";
import { checkBlock, checkNode } from "./walk.ts";

export interface CheckOptions {
  /** Builtins and host globals the run time provides. */
  readonly knownNames: ReadonlySet<string>;
  /**
   * Names the program's imports bring in. Null (or absent) when some import
   * did not resolve: calls to unknown names are then not reported.
   */
  readonly importedNames?: ReadonlySet<string> | null;
}

function createContext(program: readonly Node[], options: CheckOptions): CheckContext {
  const ctx: CheckContext = {
    diagnostics: [],
    global: new TypeScope(),
    knownNames: options.knownNames,
    importedNames: options.importedNames === undefined ? null : options.importedNames,
    boundNames: collectBoundNames(program),
    fnDepth: 0,
    streamEmitTypes: [],
    checkNode: (node, scope) => checkNode(ctx, node, scope),
    checkBlock: (stmts, scope) => checkBlock(ctx, stmts, scope),
  };
  return ctx;
}

/** Checks a top-level statement in a scratch scope, keeping the names it introduces (untyped). */
function checkTopLevelStatement(ctx: CheckContext, node: Node): void {
  const scratch = ctx.global.child();
  ctx.checkNode(node, scratch);
  for (const name of scratch.vars.keys()) if (!ctx.global.vars.has(name)) ctx.global.vars.set(name, null);
  for (const name of scratch.mutable) ctx.global.mutable.add(name);
}

/** Type-checks a parsed program; returns its errors and warnings in source order of discovery. */
export function checkProgram(program: readonly Node[], options: CheckOptions): Diagnostic[] {
  const ctx = createContext(program, options);
  registerDeclarations(ctx.global, program);
  registerCallablePlaceholders(ctx.global, program);
  for (const outer of program) {
    const node = outer.kind === "AttributedDecl" ? outer.inner : outer;
    if (node.kind === "Pipeline") {
      checkPipeline(ctx, node);
    } else if (node.kind === "FnDecl") {
      const sig = fnSignature(node);
      ctx.global.fns.set(node.name, sig);
      checkFnBody(ctx, {
        typeParams: node.typeParams,
        params: node.params,
        returnType: sig.returnType,
        body: node.body,
        whereClauses: node.whereClauses,
        isStream: node.isStream,
        span: node.span,
      });
    } else {
      checkTopLevelStatement(ctx, outer);
    }
  }
  return ctx.diagnostics;
}
