// The `@step` / `@persona` runtime (seed 004): registration builtins the
// compiler calls at module load, hook registration, the call interceptor
// that wraps tracked functions, and what the LLM layer asks of the active
// step (default model, usage charging).

import { runtimeError } from "../../vm/errors.ts";
import type { CallInterceptor } from "../../vm/runtime-api.ts";
import type { Value } from "../../vm/values.ts";
import type { Vm } from "../../vm/vm.ts";
import { parsePersonaRegistration, parseStepRegistration } from "./definitions.ts";
import { hookHandler, parseHookEvent } from "./hooks.ts";
import { completedStepValue, type StepRegistry, stepRegistryFor } from "./registry.ts";
import { trackedCall } from "./step-call.ts";

export { recordStepUsage, stepModelDefault, withStepModel } from "./active.ts";

function interceptorFor(reg: StepRegistry): CallInterceptor {
  return {
    tracks: (closure) => reg.isTracked(closure.proto.name),
    intercept: (task, closure, args) => trackedCall(reg, task, closure, args),
  };
}

function personaPattern(v: Value | undefined): string {
  return v === undefined || v === null ? "*" : typeof v === "string" ? v : String(v);
}

export function registerStepRuntime(vm: Vm): void {
  const reg = stepRegistryFor(vm);
  const track = (): void => {
    vm.callInterceptor ??= interceptorFor(reg);
  };
  vm.registerBuiltin("__register_step", (args) => {
    const def = parseStepRegistration(args);
    reg.steps.set(def.fn, def);
    track();
    return null;
  });
  vm.registerBuiltin("__register_persona", (args) => {
    const def = parsePersonaRegistration(args);
    reg.personas.set(def.fn, def);
    track();
    return null;
  });
  vm.registerBuiltin("register_persona_hook", (args) => {
    const { event, thresholdPct } = parseHookEvent(args[1] ?? null, "register_persona_hook");
    const handler = hookHandler(args[2], "register_persona_hook");
    reg.hooks.push({ personaPattern: personaPattern(args[0]), stepName: null, event, thresholdPct, handler });
    return null;
  });
  vm.registerBuiltin("register_step_hook", (args) => {
    const step = args[1];
    if (typeof step !== "string" || step === "") {
      throw runtimeError("register_step_hook: step_name must be a non-empty string");
    }
    const { event, thresholdPct } = parseHookEvent(args[2] ?? null, "register_step_hook");
    const handler = hookHandler(args[3], "register_step_hook");
    reg.hooks.push({ personaPattern: personaPattern(args[0]), stepName: step, event, thresholdPct, handler });
    return null;
  });
  vm.registerBuiltin("clear_persona_hooks", () => {
    reg.hooks.length = 0;
    return null;
  });
  // harn-ts addition: the finished-step log the reference feeds to receipts and `persona inspect`.
  vm.registerBuiltin("__steps_completed", () => reg.completed.map(completedStepValue));
}
