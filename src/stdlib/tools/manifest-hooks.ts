// Runtime hooks declared in the project manifest (spec: "Hooks",
// `[[hooks]]` tables: `event`, `pattern` (default "*"), `handler` =
// "<module>::<function>"). They are installed at run start, before the
// program's first statement, into the VM's agent-hook registry, where the
// agent loop runs them like hooks an embedder adds.
//
// A handler's module resolves as the reference resolves it: the package's
// own name (`[package] name`) means `lib.harn` next to harn.toml, a name
// in `[exports]` means that file, anything else is an import path taken
// from the manifest directory. The functions are obtained by running a
// tiny generated program that imports them and returns them: the module is
// then loaded through the VM's own loader and cache (one instance, shared
// with the program if it imports the same file, its top level run once).

import { compileModule } from "../../compiler/compile-module.ts";
import { type AgentHookEvent, agentHooksOf } from "../../llm/agent/hooks.ts";
import { parse } from "../../syntax/parser.ts";
import { runtimeError, type VmError } from "../../vm/errors.ts";
import { Closure, type Value } from "../../vm/values.ts";
import type { Vm } from "../../vm/vm.ts";
import type { SystemHost } from "../system/host.ts";
import { isAbsolutePath, joinPath } from "../system/path-text.ts";
import { hookPatternMatches } from "./hook-pattern.ts";
import type { ProjectManifest } from "./project-manifest.ts";

const AGENT_EVENTS: readonly AgentHookEvent[] = [
  "PreToolUse",
  "PostToolUse",
  "PreAgentTurn",
  "PostAgentTurn",
];

/** Events the reference accepts that this runtime has no hook point for yet. */
const WORKER_EVENTS = [
  "WorkerSpawned",
  "WorkerProgressed",
  "WorkerWaitingForInput",
  "WorkerCompleted",
  "WorkerFailed",
  "WorkerCancelled",
];

interface HookEntry {
  readonly event: AgentHookEvent;
  readonly pattern: string;
  readonly module: string;
  readonly fn: string;
}

const IDENT = /^[A-Za-z_][A-Za-z0-9_]*$/;

function tableText(t: Record<string, unknown>, key: string): string | null {
  const v = t[key];
  return typeof v === "string" ? v : null;
}

/** The `[[hooks]]` entries this runtime can install; unsupported events are reported through `warn`. */
function hookEntries(doc: Record<string, unknown>, warn: (text: string) => void): HookEntry[] {
  const raw = doc.hooks;
  if (raw === undefined) return [];
  if (!Array.isArray(raw)) throw runtimeError("harn.toml: `hooks` must be an array of [[hooks]] tables");
  const out: HookEntry[] = [];
  for (const item of raw) {
    if (typeof item !== "object" || item === null)
      throw runtimeError("harn.toml: each [[hooks]] entry must be a table");
    const t = item as Record<string, unknown>;
    const event = tableText(t, "event");
    const handler = tableText(t, "handler");
    if (event === null || handler === null) {
      throw runtimeError("harn.toml: each [[hooks]] entry needs string `event` and `handler` fields");
    }
    if (WORKER_EVENTS.includes(event)) {
      warn(
        `warning: harn.toml [[hooks]] event '${event}' is not supported by this runtime; hook ${handler} skipped\n`,
      );
      continue;
    }
    if (!(AGENT_EVENTS as readonly string[]).includes(event)) {
      throw runtimeError(
        `harn.toml: unknown [[hooks]] event '${event}' (expected one of ${[...AGENT_EVENTS, ...WORKER_EVENTS].join(", ")})`,
      );
    }
    const split = handler.lastIndexOf("::");
    if (split < 0) throw runtimeError(`invalid hook handler '${handler}': expected <module>::<function>`);
    const fn = handler.slice(split + 2);
    if (!IDENT.test(fn))
      throw runtimeError(`invalid hook handler '${handler}': '${fn}' is not a function name`);
    out.push({
      event: event as AgentHookEvent,
      pattern: tableText(t, "pattern") ?? "*",
      module: handler.slice(0, split),
      fn,
    });
  }
  return out;
}

/**
 * The import spec that loads `module` for a manifest in `root` (see the
 * header), written relative to the manifest directory where the generated
 * importer sits, so the loader resolves it to the same absolute file (and
 * module instance) as the program's own imports.
 */
function moduleSpec(system: SystemHost, manifest: ProjectManifest, module: string): string {
  const pkg = manifest.doc.package as Record<string, unknown> | undefined;
  const exportsTable = manifest.doc.exports as Record<string, unknown> | undefined;
  const exported = exportsTable?.[module];
  if (pkg?.name === module) {
    const lib = joinPath(manifest.root, "lib.harn");
    if (!system.exists(lib))
      throw runtimeError(`module '${module}' resolves to local lib.harn, but ${lib} is missing`);
    return "./lib.harn";
  }
  if (typeof exported === "string") {
    const path = isAbsolutePath(exported) ? exported : joinPath(manifest.root, exported);
    if (!system.exists(path)) {
      throw runtimeError(`export '${module}' resolves to ${path}, but that path does not exist`);
    }
    return isAbsolutePath(exported) ? exported : `./${exported.replace(/^\.\//, "")}`;
  }
  return module;
}

/** Checks that a module file exports each function, before anything runs. */
function checkExports(
  system: SystemHost,
  root: string,
  spec: string,
  module: string,
  fns: readonly string[],
): void {
  if (!spec.startsWith("./") && !isAbsolutePath(spec)) return; // import paths: the loader reports them
  const file = isAbsolutePath(spec) ? spec : joinPath(root, spec.slice(2));
  const parsed = parse(system.readText(file));
  if (parsed.diagnostics.length > 0) return; // loading reports the syntax error with its location
  const compiled = compileModule(parsed.program, file, { library: true }).module;
  if (compiled === undefined) return;
  for (const fn of fns) {
    if (!compiled.exports.includes(fn))
      throw runtimeError(`hook handler '${fn}' is not exported by module '${module}'`);
  }
}

/**
 * Loads `fns` from the module at `spec` through the VM's loader, by running
 * a generated program (named `importer`, in the manifest directory) that
 * imports and returns them; resolves to the closures in order.
 */
async function loadFunctions(
  vm: Vm,
  importer: string,
  spec: string,
  fns: readonly string[],
): Promise<Closure[]> {
  const source = `import { ${fns.join(", ")} } from ${JSON.stringify(spec)}\npipeline default() {\n  return [${fns.join(", ")}]\n}\n`;
  const parsed = parse(source);
  const compiled = compileModule(parsed.program, importer);
  if (compiled.module === undefined) throw runtimeError(`could not load hook module '${spec}'`);
  const result = await vm.run(compiled.module);
  if (result.error !== null) throw result.error;
  const values = result.value as Value[];
  return values.map((v, i) => {
    if (!(v instanceof Closure))
      throw runtimeError(`hook handler '${fns[i]}' in '${spec}' is not a function`);
    return v;
  });
}

/**
 * Installs the manifest's `[[hooks]]` on `vm`; resolves to the error that
 * makes the run fail (a bad entry, a missing module or function), or null.
 */
export async function installManifestHooks(
  vm: Vm,
  system: SystemHost,
  manifest: ProjectManifest,
): Promise<VmError | null> {
  try {
    const entries = hookEntries(manifest.doc, (text) => vm.writeError(text));
    const byModule = new Map<string, HookEntry[]>();
    for (const e of entries) byModule.set(e.module, [...(byModule.get(e.module) ?? []), e]);
    const closures = new Map<HookEntry, Closure>();
    for (const [module, group] of byModule) {
      const spec = moduleSpec(system, manifest, module);
      const fns = [...new Set(group.map((e) => e.fn))];
      checkExports(system, manifest.root, spec, module, fns);
      // One importer per module: the VM caches modules by file name.
      const importer = joinPath(manifest.root, `harn.toml[hooks ${module}].harn`);
      const loaded = await loadFunctions(vm, importer, spec, fns);
      for (const e of group) closures.set(e, loaded[fns.indexOf(e.fn)]!);
    }
    const hooks = agentHooksOf(vm);
    for (const e of entries) {
      hooks.add({
        event: e.event,
        matches: (payload) => hookPatternMatches(e.pattern, payload),
        handler: closures.get(e)!,
      });
    }
    return null;
  } catch (e) {
    return vm.hostError(e);
  }
}
