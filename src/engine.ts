// The pipeline from source text to a finished run: parse, compile, create
// a VM with the standard library, load imports, run. The CLI and the
// embedding API both go through here, so they behave identically.

import type { CompiledModule } from "./bytecode/proto.ts";
import { checkProgram } from "./check/checker.ts";
import { compileModule } from "./compiler/compile-module.ts";
import type { Diagnostic } from "./diagnostics/diagnostic.ts";
import { fileExists, paths, readText } from "./host/node-fs.ts";
import { env } from "./host/node-process.ts";
import { nodeStdlibHost } from "./host/stdlib-host.ts";
import { nodeCompressionProvider, nodeCryptoProvider } from "./host/crypto-host.ts";
import { nodeHttpHost } from "./host/http-host.ts";
import { nodeMcpHost } from "./host/mcp-host.ts";
import { nodeDurableFs } from "./host/state-host.ts";
import { nodeSystemHost } from "./host/system-host.ts";
import { registerConcurrency } from "./runtime/concurrency/index.ts";
import { registerScopedBuiltins } from "./runtime/policy/scoped-builtins.ts";
import { registerSchemaBuiltins } from "./runtime/schema/index.ts";
import { registerStepRuntime } from "./runtime/steps/index.ts";
import { TaskContext } from "./runtime/task-context.ts";
import type { StdlibHost } from "./stdlib/host-api.ts";
import { registerAgents } from "./stdlib/agents/index.ts";
import { registerDataStdlib } from "./stdlib/data/index.ts";
import type { HttpHost } from "./stdlib/http/host.ts";
import { registerHttpStdlib } from "./stdlib/http/index.ts";
import { registerStdlib } from "./stdlib/index.ts";
import { registerLlm } from "./stdlib/llm/index.ts";
import { registerNumericStdlib } from "./stdlib/numeric/index.ts";
import { registerOrchestration } from "./stdlib/orchestration/index.ts";
import { registerStateStdlib } from "./stdlib/state/index.ts";
import { STD_MODULES } from "./stdlib/std/sources.generated.ts";
import { installProjectHooks, installProjectSkills, registerTools } from "./stdlib/tools/index.ts";
import { registerSystemStdlib } from "./stdlib/system/index.ts";
import type { SystemHost } from "./stdlib/system/host.ts";
import { registerTemplates } from "./stdlib/template/index.ts";
import { registerWorkflows } from "./stdlib/workflow/index.ts";
import type { Node } from "./syntax/ast.ts";
import { parse } from "./syntax/parser.ts";
import { display } from "./vm/display.ts";
import { ErrorKind, runtimeError, type VmError } from "./vm/errors.ts";
import { registerIntrinsics } from "./vm/intrinsics.ts";
import type { JitMode } from "./vm/jit/tier.ts";
import { type ModuleLoader, Vm } from "./vm/vm.ts";

export interface CompileOutput {
  readonly module?: CompiledModule;
  readonly diagnostics: Diagnostic[];
}

/**
 * Parse, type-check and compile one file's source (`entry` picks a pipeline
 * other than the default). Entry files are type-checked; `knownNames` are
 * the builtins and globals the VM that will run the program provides
 * (default: those of a standard VM). Libraries are checked by their
 * importer's run, not on load, as in the reference.
 */
export function compileSource(
  source: string,
  file: string,
  library = false,
  entry?: string,
  knownNames?: ReadonlySet<string>,
): CompileOutput {
  const parsed = parse(source);
  if (parsed.diagnostics.length > 0) return { diagnostics: parsed.diagnostics };
  if (!library) {
    const firstError = typeCheck(parsed.program, knownNames ?? standardNames());
    if (firstError) return { diagnostics: [firstError] };
  }
  return compileModule(parsed.program, file, entry === undefined ? { library } : { library, entry });
}

function typeCheck(program: readonly Node[], knownNames: ReadonlySet<string>): Diagnostic | undefined {
  // Without resolving imports we cannot know the names they bring in, so a
  // file with imports is checked without the undefined-call rule.
  const hasImports = program.some((n) => n.kind === "Import" || n.kind === "SelectiveImport");
  const found = checkProgram(program, { knownNames, importedNames: hasImports ? null : new Set() });
  return found.find((d) => d.severity === "error");
}

let standardNameSet: ReadonlySet<string> | undefined;

function standardNames(): ReadonlySet<string> {
  standardNameSet ??= knownNamesOf(createVm());
  return standardNameSet;
}

/** The names a program may call or read without declaring them on `vm`. */
export function knownNamesOf(vm: Vm): ReadonlySet<string> {
  return new Set([...vm.builtins.keys(), ...vm.globals.keys()]);
}

export interface VmSetup {
  readonly output?: (text: string) => void;
  readonly errorOutput?: (text: string) => void;
  /** Values of `argv` for the program. */
  readonly argv?: readonly string[];
  /** Provides `std/...` and other non-file imports; return undefined to fall back to files. */
  readonly builtinModule?: (spec: string) => string | undefined;
  /** Files, environment and clock for the standard library (default: this Node process). */
  readonly host?: StdlibHost;
  /** Network access for http_*, servers and transports (default: this Node process). */
  readonly httpHost?: HttpHost;
  /** Processes, paths and terminal streams for the system builtins (default: this Node process). */
  readonly systemHost?: SystemHost;
  /** The compiling tier (default: HARN_JIT from the environment, else "on"). */
  readonly jit?: JitMode;
  /** Called with the new VM before the program runs (extra builtins, replayed LLM responses). */
  readonly prepare?: (vm: Vm) => void;
  /** Aborting cancels every task of the run (timeouts). */
  readonly signal?: AbortSignal;
}

/** Resolves `import "path"` relative to the importing file, with an implied `.harn`. */
export function fileModuleLoader(builtinModule?: (spec: string) => string | undefined): ModuleLoader {
  return {
    load(fromFile: string, spec: string): CompiledModule {
      const embedded = builtinModule?.(spec);
      const file = embedded !== undefined ? spec : resolveImport(fromFile, spec);
      const source = embedded ?? readText(file);
      const out = compileSource(source, file, true);
      if (!out.module) {
        const d = out.diagnostics[0];
        throw runtimeError(
          `failed to load module "${spec}": ${d ? `${file}:${d.span.line}:${d.span.col}: ${d.message}` : "unknown error"}`,
        );
      }
      return out.module;
    },
  };
}

function resolveImport(fromFile: string, spec: string): string {
  const base = paths.resolve(paths.dirname(fromFile), spec);
  for (const candidate of [base, `${base}.harn`, paths.join(base, "lib.harn")]) {
    if (fileExists(candidate) && candidate.endsWith(".harn")) return candidate;
  }
  throw runtimeError(`Import not found: "${spec}" (from ${fromFile})`);
}

/** Source of a `std/<name>` module shipped with harn-ts. */
export function stdModuleSource(spec: string): string | undefined {
  return spec.startsWith("std/") ? STD_MODULES[spec.slice(4)] : undefined;
}

function jitModeFromEnv(): JitMode {
  const mode = env("HARN_JIT");
  return mode === "off" || mode === "eager" ? mode : "on";
}

/** A VM with the language intrinsics and the standard library installed. */
export function createVm(setup: VmSetup = {}): Vm {
  const vm = new Vm({
    rootContext: new TaskContext(),
    loader: fileModuleLoader((spec) => setup.builtinModule?.(spec) ?? stdModuleSource(spec)),
    ...(setup.output && { output: setup.output }),
    ...(setup.errorOutput && { errorOutput: setup.errorOutput }),
    jit: setup.jit ?? jitModeFromEnv(),
  });
  registerIntrinsics(vm);
  registerConcurrency(vm);
  registerScopedBuiltins(vm);
  registerStepRuntime(vm);
  const host = setup.host ?? nodeStdlibHost;
  registerStdlib(vm, host);
  registerSchemaBuiltins(vm);
  registerDataStdlib(vm, host, { crypto: nodeCryptoProvider, compression: nodeCompressionProvider });
  registerNumericStdlib(vm, host);
  // After registerStdlib: its eprint/eprintln take over so stderr capture sees them.
  registerSystemStdlib(vm, setup.systemHost ?? nodeSystemHost);
  registerTemplates(vm, host);
  registerStateStdlib(vm, {
    system: setup.systemHost ?? nodeSystemHost,
    stdlib: host,
    durable: nodeDurableFs,
  });
  const httpHost = setup.httpHost ?? nodeHttpHost;
  registerLlm(vm, host, httpHost.transport);
  registerHttpStdlib(vm, httpHost, setup.systemHost ?? nodeSystemHost);
  registerTools(vm, {
    system: setup.systemHost ?? nodeSystemHost,
    crypto: nodeCryptoProvider,
    mcp: nodeMcpHost,
  });
  // After registerLlm and registerTools: it wraps llm_call and drives tool registries.
  registerAgents(vm, host, setup.systemHost ?? nodeSystemHost);
  // After registerLlm: trigger predicate budgets read its usage counters.
  registerOrchestration(vm, {
    system: setup.systemHost ?? nodeSystemHost,
    stdlib: host,
    durable: nodeDurableFs,
  });
  // After registerOrchestration: it wraps spawn_agent and reuses the run-record builtins.
  registerWorkflows(vm, { system: setup.systemHost ?? nodeSystemHost });
  vm.globals.set("argv", [...(setup.argv ?? [])]);
  return vm;
}

export type RunOutcome =
  | { readonly kind: "diagnostics"; readonly diagnostics: Diagnostic[] }
  | { readonly kind: "error"; readonly error: VmError }
  | { readonly kind: "ok"; readonly value: import("./vm/values.ts").Value };

/** Compile and run a program given its source. */
export async function runSource(
  source: string,
  file: string,
  setup: VmSetup = {},
  entry?: string,
): Promise<RunOutcome> {
  const vm = createVm(setup);
  setup.prepare?.(vm);
  installProjectSkills(vm, file);
  const compiled = compileSource(source, file, false, entry, knownNamesOf(vm));
  if (!compiled.module) return { kind: "diagnostics", diagnostics: compiled.diagnostics };
  const onAbort = (): void => vm.cancelAll();
  setup.signal?.addEventListener("abort", onAbort, { once: true });
  // harn.toml [[hooks]]: their handler modules load (top level included) before the program starts.
  const hooksError = await installProjectHooks(vm, file);
  const result = hooksError !== null ? { value: null, error: hooksError } : await vm.run(compiled.module);
  setup.signal?.removeEventListener("abort", onAbort);
  if (result.error) return { kind: "error", error: result.error };
  return { kind: "ok", value: result.value };
}

/** The message an uncaught error prints, with the reference's ` (line N)` suffix. */
export function uncaughtMessage(error: VmError): string {
  const text = error.display(display);
  const located = error.kind !== ErrorKind.Thrown && error.kind !== ErrorKind.Categorized;
  return located && error.line > 0 ? `${text} (line ${error.line})` : text;
}
