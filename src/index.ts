// The embedding API of harn-ts: compile and run Harn programs inside a
// Node application, with your own output sink, builtins and methods.
//
//   import { runSource } from "harn-ts";
//   const out: string[] = [];
//   const result = await runSource('println("hi")', "inline.harn", { output: (s) => out.push(s) });

export type { CompiledModule } from "./bytecode/proto.ts";
export { disassemble } from "./bytecode/disassemble.ts";
export type { Diagnostic } from "./diagnostics/diagnostic.ts";
export { renderDiagnostic } from "./diagnostics/diagnostic.ts";
export {
  type CompileOutput,
  compileSource,
  createVm,
  fileModuleLoader,
  type RunOutcome,
  runSource,
  uncaughtMessage,
  type VmSetup,
} from "./engine.ts";
export { TaskContext } from "./runtime/task-context.ts";
export { parse, type ParseResult } from "./syntax/parser.ts";
export { display, typeName } from "./vm/display.ts";
export { ErrorKind, VmError } from "./vm/errors.ts";
export { Dict, type Value } from "./vm/values.ts";
export { type MethodFn, Vm } from "./vm/vm.ts";
