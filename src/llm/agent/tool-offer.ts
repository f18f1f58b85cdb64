// The tools an agent loop offers the model on each turn. They start as
// the registry's tools in the provider's shape (llm/tools/call-tools.ts);
// with `tool_search`, the plan either prepends the provider's native
// search meta-tool, or — in client mode — hides `defer_loading` tools
// behind a synthetic search tool and promotes the ones a search finds,
// so the offer (native tool list and text-mode contract alike) grows
// turn by turn.

import type { Value } from "../../vm/values.ts";
import { lookupCapabilities } from "../catalog/capabilities.ts";
import { isJsonObject, type JsonObject } from "../json.ts";
import type { LlmState } from "../state.ts";
import { callToolsPayload } from "../tools/call-tools.ts";
import { ClientToolSearch } from "../tools/client-search.ts";
import { nativeToolName } from "../tools/tool-search.ts";

export class ToolOffer {
  private constructor(
    private readonly base: readonly JsonObject[],
    /** Client-mode search over deferred tools, or null. */
    readonly client: ClientToolSearch | null,
  ) {}

  static build(
    state: LlmState,
    tools: Value | null,
    toolSearch: Value | undefined,
    provider: string,
    model: string,
    overrides: Value | undefined,
  ): ToolOffer {
    if (tools === null) return new ToolOffer([], null);
    const caps = lookupCapabilities(provider, model, state.capabilityOverrides);
    const payload = callToolsPayload({
      tools,
      toolSearch,
      provider,
      model,
      deferLoading: caps.deferLoading,
      nativeVariants: caps.toolSearch,
      providerOverrides: overrides,
    });
    const plan = payload.plan;
    const client =
      plan !== null && plan.mode === "client" && payload.search !== null
        ? new ClientToolSearch(payload.search, plan.deferred)
        : null;
    return new ToolOffer(payload.tools ?? [], client);
  }

  /** This turn's tools in the provider's shape. */
  current(): JsonObject[] {
    return this.client === null ? [...this.base] : this.client.payload(this.base);
  }

  get hasTools(): boolean {
    return this.base.length > 0;
  }

  /** Names the model may call this turn (text-mode parsing only accepts these). */
  names(): Set<string> {
    return new Set(
      this.current()
        .map(nativeToolName)
        .filter((n) => n !== ""),
    );
  }
}

interface Listed {
  readonly name: string;
  readonly description: string;
  readonly params: { name: string; type: string; required: boolean }[];
}

function listed(tool: JsonObject): Listed | null {
  const fn = isJsonObject(tool.function) ? tool.function : tool;
  const name = typeof fn.name === "string" ? fn.name : "";
  if (name === "") return null;
  const schema = fn.parameters ?? fn.input_schema;
  const props = isJsonObject(schema) && isJsonObject(schema.properties) ? schema.properties : {};
  const required = isJsonObject(schema) && Array.isArray(schema.required) ? schema.required : [];
  return {
    name,
    description: typeof fn.description === "string" ? fn.description : "",
    params: Object.entries(props).map(([p, s]) => ({
      name: p,
      type: isJsonObject(s) && typeof s.type === "string" ? s.type : "any",
      required: required.includes(p),
    })),
  };
}

/**
 * The system-prompt section that teaches the model how to call `tools`.
 * Native mode only lists them (the provider carries the schemas); text
 * mode also spells out the tagged reply grammar.
 */
export function toolContractPrompt(
  tools: readonly JsonObject[],
  format: string,
  doneSentinel: string,
): string {
  const listing = tools
    .map(listed)
    .filter((t): t is Listed => t !== null)
    .map((t) => {
      const lines = [`### ${t.name}`];
      if (t.description !== "") lines.push(t.description);
      if (t.params.length > 0) {
        lines.push("Parameters:", ...t.params.map((p) => `  - ${p.name}${p.required ? "" : "?"}: ${p.type}`));
      }
      return lines.join("\n");
    })
    .join("\n\n");
  if (format === "native")
    return `## Tools\n\nCall these tools through the provider's tool channel.\n\n${listing}`;
  return [
    "## Tools",
    "",
    "Reply using only these top-level blocks, separated by whitespace:",
    "<assistant_prose>short narration</assistant_prose>",
    "<tool_call>",
    "tool_name({ key: value })",
    "</tool_call>",
    `<done>${doneSentinel}</done> when the work is complete.`,
    "",
    listing,
  ].join("\n");
}
