// Catalog and capability introspection (spec: "LLM configuration"):
// provider configs, model aliases and tiers, provider inference, the
// capability matrix with script-installed overrides, and healthchecks.

import { display } from "../../vm/display.ts";
import { runtimeError } from "../../vm/errors.ts";
import { Dict, type Value } from "../../vm/values.ts";
import type { Vm } from "../../vm/vm.ts";
import { capabilityFileFrom, lookupCapabilities } from "../catalog/capabilities.ts";
import {
  ALIASES,
  inferProvider,
  MODELS,
  modelCatalogEntries,
  modelTier,
  QC_DEFAULTS,
  resolveModel,
  resolveModelInfo,
  resolveTierModel,
} from "../catalog/models.ts";
import { BUILTIN_PROVIDERS } from "../catalog/providers.ts";
import { catalogKeyAvailable, defaultProvider } from "../selection.ts";
import type { LlmState } from "../state.ts";
import {
  aliasValue,
  capabilitiesValue,
  modelDefValue,
  providerDefValue,
  resolvedModelValue,
} from "./catalog-values.ts";
import { llmHealthcheck } from "./healthcheck.ts";

const arg = (args: readonly Value[], i: number): string => (args[i] === undefined ? "" : display(args[i]!));
const sorted = (names: Iterable<string>): string[] => [...names].sort();

type TomlParse = (src: string) => unknown;
let tomlParse: TomlParse | undefined;

/** smol-toml, loaded on first use (most programs never install overrides). */
function withToml(use: (parse: TomlParse) => Value): Value | Promise<Value> {
  if (tomlParse) return use(tomlParse);
  return import("smol-toml").then((m) => use((tomlParse = m.parse)));
}

function registerCapabilities(vm: Vm, state: LlmState): void {
  vm.registerBuiltin("provider_capabilities", (args) => {
    const provider = arg(args, 0);
    if (provider === "") throw runtimeError("provider_capabilities: provider name is required");
    const model = arg(args, 1);
    return capabilitiesValue(provider, model, lookupCapabilities(provider, model, state.capabilityOverrides));
  });
  vm.registerBuiltin("provider_capabilities_install", (args) => {
    const src = arg(args, 0);
    if (src === "") throw runtimeError("provider_capabilities_install: TOML source string required");
    return withToml((parse) => {
      try {
        state.capabilityOverrides = capabilityFileFrom(parse(src));
      } catch (e) {
        throw runtimeError(
          `provider_capabilities_install: parse error: ${e instanceof Error ? e.message : e}`,
        );
      }
      return true;
    });
  });
  vm.registerBuiltin("provider_capabilities_clear", () => {
    state.capabilityOverrides = null;
    return true;
  });
}

function modelInfo(state: LlmState, selector: string): Dict {
  const r = resolveModelInfo(selector, defaultProvider(state));
  const model = MODELS[r.id];
  const m = new Map(resolvedModelValue(r).map);
  m.set(
    "capabilities",
    capabilitiesValue(r.provider, r.id, lookupCapabilities(r.provider, r.id, state.capabilityOverrides)),
  );
  m.set("catalog", model ? modelDefValue(r.id, model) : null);
  m.set("qc_default_model", qcDefault(state, r.provider));
  m.set("auth_available", catalogKeyAvailable(state, r.provider));
  return new Dict(m);
}

function qcDefault(state: LlmState, provider: string): string | null {
  return state.env("BURIN_QC_MODEL")?.trim() || (QC_DEFAULTS[provider.toLowerCase()] ?? null);
}

function availableProviders(state: LlmState): string[] {
  return sorted(Object.keys(BUILTIN_PROVIDERS)).filter((p) => catalogKeyAvailable(state, p));
}

function providerValue(state: LlmState, name: string): Dict | null {
  const def = BUILTIN_PROVIDERS[name];
  return def ? providerDefValue(def, catalogKeyAvailable(state, name)) : null;
}

function providerCatalog(state: LlmState): Dict {
  const providers = sorted(Object.keys(BUILTIN_PROVIDERS)).map(
    (name) => new Dict(new Map([...providerValue(state, name)!.map, ["name", name]])),
  );
  return Dict.of({
    providers,
    known_model_names: sorted(Object.keys(ALIASES)),
    available_providers: availableProviders(state),
    aliases: sorted(Object.keys(ALIASES)).map((name) => aliasValue(name, ALIASES[name]!)),
    models: modelCatalogEntries().map(([id, def]) => modelDefValue(id, def)),
    qc_defaults: Dict.of(QC_DEFAULTS),
  });
}

function registerModels(vm: Vm, state: LlmState): void {
  vm.registerBuiltin(
    "llm_infer_provider",
    (args) => inferProvider(arg(args, 0), defaultProvider(state)).provider,
  );
  vm.registerBuiltin("llm_model_tier", (args) => modelTier(arg(args, 0)));
  vm.registerBuiltin("llm_resolve_model", (args) =>
    resolvedModelValue(resolveModelInfo(arg(args, 0), defaultProvider(state))),
  );
  vm.registerBuiltin("llm_model_info", (args) => modelInfo(state, arg(args, 0)));
  vm.registerBuiltin("llm_known_models", () => sorted(Object.keys(ALIASES)));
  vm.registerBuiltin("llm_available_providers", () => availableProviders(state));
  vm.registerBuiltin("llm_qc_default_model", (args) => {
    const provider = arg(args, 0);
    if (provider === "") throw runtimeError("llm_qc_default_model: provider name is required");
    return qcDefault(state, provider);
  });
  vm.registerBuiltin("llm_provider_catalog", () => providerCatalog(state));
  vm.registerBuiltin("llm_pick_model", (args) => {
    const target = arg(args, 0);
    const preferred =
      args[1] instanceof Dict && args[1].map.has("provider") ? display(args[1].get("provider")) : null;
    const tier = resolveTierModel(target, preferred);
    const resolved = resolveModel(target);
    const id = tier?.id ?? resolved.id;
    const provider =
      tier?.provider ?? resolved.provider ?? inferProvider(id, defaultProvider(state)).provider;
    return Dict.of({ id, provider, tier: modelTier(id) });
  });
}

function registerProviders(vm: Vm, state: LlmState): void {
  vm.registerBuiltin("llm_providers", () => sorted(state.providerNames));
  vm.registerBuiltin("provider_register", (args) => {
    const name = arg(args, 0);
    if (name === "") throw runtimeError("provider_register: name is required");
    state.providerNames.add(name);
    return true;
  });
  vm.registerBuiltin("llm_config", (args) => {
    if (args.length > 0 && args[0] !== null) return providerValue(state, display(args[0]!));
    const m = new Map<string, Value>();
    for (const name of Object.keys(BUILTIN_PROVIDERS)) m.set(name, providerValue(state, name));
    return new Dict(m);
  });
  vm.registerBuiltin("llm_healthcheck", (args) => llmHealthcheck(state, args));
}

export function registerCatalogBuiltins(vm: Vm, state: LlmState): void {
  registerCapabilities(vm, state);
  registerModels(vm, state);
  registerProviders(vm, state);
}
