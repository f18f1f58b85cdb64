// The `tools` and `tool_search` options of one model call turned into the
// provider payload: registry tools in the provider's shape, then — when
// tool search is on — the native meta-tool or the client-mode synthetic
// search tool, resolved against what the model supports. llm_call's option
// parsing calls this; an agent loop keeps the plan to promote tools later.

import { Dict, type Value } from "../../vm/values.ts";
import type { JsonObject } from "../json.ts";
import { nativeTools } from "./native.ts";
import {
  parseToolSearchOption,
  planToolSearch,
  type ToolSearchConfig,
  type ToolSearchPlan,
} from "./tool-search.ts";

export interface CallToolsInput {
  /** The `tools` option (a registry or a list of tool dicts). */
  readonly tools: Value | undefined;
  /** The `tool_search` option. */
  readonly toolSearch: Value | undefined;
  readonly provider: string;
  readonly model: string;
  /** The model's `defer_loading` capability and native tool-search variants. */
  readonly deferLoading: boolean;
  readonly nativeVariants: readonly string[];
  /** `options[provider]`, where `force_native_tool_search` may be set. */
  readonly providerOverrides: Value | undefined;
}

export interface CallTools {
  readonly tools: JsonObject[] | null;
  readonly search: ToolSearchConfig | null;
  readonly plan: ToolSearchPlan | null;
}

export function callToolsPayload(input: CallToolsInput): CallTools {
  const tools =
    input.tools === undefined || input.tools === null ? null : nativeTools(input.tools, input.provider);
  const search = parseToolSearchOption(input.toolSearch);
  if (search === null) return { tools, search, plan: null };
  const overrides = input.providerOverrides;
  const plan = planToolSearch(tools ?? [], search, {
    provider: input.provider,
    model: input.model,
    deferLoading: input.deferLoading,
    nativeVariants: input.nativeVariants,
    forceNative: overrides instanceof Dict && overrides.get("force_native_tool_search") === true,
  });
  return { tools: tools === null ? null : plan.tools, search, plan };
}
