// Per-VM state of the tools layer: a VM-wide registry binding for
// embedders (scripts bind through the task context's `toolRegistry` slot:
// `tool_bind`, agent loops), the `tool_synthesize` cache and the tool hooks. The reference keeps these per thread; one VM
// is our unit of isolation, so nothing here is module-global.

import type { Dict } from "../../vm/values.ts";
import type { Vm } from "../../vm/vm.ts";
import { ToolHooks } from "./hooks.ts";
import type { SynthesizedTool } from "./synthesize.ts";

export class ToolsState {
  /** The VM-wide fallback for `tool_ref`/`tool_def` when the task binds none, or null. */
  boundRegistry: Dict | null = null;
  /** Synthesized tool specs by their deterministic id. */
  readonly synthesized = new Map<string, SynthesizedTool>();
  readonly hooks = new ToolHooks();
}

const states = new WeakMap<Vm, ToolsState>();

/** The VM's tools state, created on first use. */
export function toolsStateOf(vm: Vm): ToolsState {
  let s = states.get(vm);
  if (!s) {
    s = new ToolsState();
    states.set(vm, s);
  }
  return s;
}

/**
 * Binds `registry` VM-wide (null unbinds) and returns the previous binding.
 * A task's own binding (its context's `toolRegistry` slot) takes precedence.
 */
export function bindToolRegistry(vm: Vm, registry: Dict | null): Dict | null {
  const s = toolsStateOf(vm);
  const previous = s.boundRegistry;
  s.boundRegistry = registry;
  return previous;
}
