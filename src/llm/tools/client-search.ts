// Client-mode tool search across an agent loop's turns. When the model
// calls the synthetic search tool, `handle` runs the strategy over the
// deferred tools, promotes the hits (oldest promotions are evicted when a
// `budget_tokens` cap would be exceeded) and returns the tool result plus
// the metadata of the `tool_search_query` / `tool_search_result`
// transcript events, shaped like Anthropic's native ones and tagged
// `mode: "client"`. The loop sends `payload(base)` as the next turn's tools.

import type { JsonObject, JsonValue } from "../json.ts";
import {
  candidateFromNative,
  emptyOutcome,
  outcomeJson,
  type SearchOutcome,
  searchTools,
  type ToolCandidate,
} from "./search-index.ts";
import {
  effectiveStrategy,
  nativeToolName,
  searchToolName,
  type ToolSearchConfig,
  type ToolSearchStrategy,
} from "./tool-search.ts";

/** Answers `semantic` / `host` strategy queries (the host bridge's `tool_search/query`). */
export type HostToolSearch = (
  strategy: string,
  query: string,
  candidates: readonly string[],
) => Promise<SearchOutcome>;

export interface ClientSearchTurn {
  /** The JSON text the model receives as the search tool's result. */
  readonly resultText: string;
  readonly outcome: SearchOutcome;
  /** Names newly promoted by this call. */
  readonly promoted: readonly string[];
  /** Metadata of the `tool_search_query` transcript event. */
  readonly queryEvent: JsonObject;
  /** Metadata of the `tool_search_result` transcript event. */
  readonly resultEvent: JsonObject;
}

/** About four characters per token, the rule of thumb across tokenizers. */
export function estimateTokens(tool: JsonValue): number {
  return Math.ceil(JSON.stringify(tool).length / 4);
}

export class ClientToolSearch {
  readonly name: string;
  readonly strategy: ToolSearchStrategy;
  private readonly order: string[] = [];
  private readonly cost = new Map<string, number>();

  constructor(
    readonly config: ToolSearchConfig,
    /** Each deferred tool's payload entry, by name. */
    private readonly deferred: ReadonlyMap<string, JsonObject>,
    private readonly host: HostToolSearch | null = null,
  ) {
    this.name = searchToolName(config);
    this.strategy = effectiveStrategy(config);
  }

  /** Is `toolName` the synthetic search tool? */
  isSearchCall(toolName: string): boolean {
    return toolName === this.name;
  }

  /** Names currently promoted, oldest first. */
  get promoted(): readonly string[] {
    return this.order;
  }

  /** The tools for the next turn: `base` (from the plan) plus the promoted ones. */
  payload(base: readonly JsonObject[]): JsonObject[] {
    const present = new Set(base.map(nativeToolName));
    return [...base, ...this.order.filter((n) => !present.has(n)).map((n) => this.deferred.get(n)!)];
  }

  private async run(query: string): Promise<SearchOutcome> {
    if (this.deferred.size === 0) {
      return emptyOutcome(
        "no deferred tools in the search index; declare tools with defer_loading: true to populate it",
      );
    }
    const candidates = [...this.deferred.values()]
      .map(candidateFromNative)
      .filter((c): c is ToolCandidate => c !== null);
    if (this.strategy === "bm25" || this.strategy === "regex")
      return searchTools(this.strategy, query, candidates);
    if (this.host === null) {
      return emptyOutcome(
        "tool_search strategy requires a host bridge but none is attached; switch to bm25 / regex",
      );
    }
    try {
      return await this.host(
        this.strategy,
        query,
        candidates.map((c) => c.name),
      );
    } catch (e) {
      return emptyOutcome(
        `host tool_search/query failed: ${e instanceof Error ? e.message : String(e)}. Fall back to bm25 or regex if this is transient.`,
      );
    }
  }

  /** Promotes `names` under the budget; returns the names actually added. */
  promote(names: readonly string[]): string[] {
    const added: string[] = [];
    const budget = this.config.budgetTokens;
    for (const name of names) {
      const body = this.deferred.get(name);
      if (body === undefined || this.cost.has(name)) continue;
      const estimate = estimateTokens(body);
      if (budget !== null) {
        const total = (): number => [...this.cost.values()].reduce((a, b) => a + b, 0);
        while (total() + estimate > budget && this.order.length > 0) this.cost.delete(this.order.shift()!);
        if (estimate > budget) continue;
      }
      this.order.push(name);
      this.cost.set(name, estimate);
      added.push(name);
    }
    return added;
  }

  /** Runs one search call from the model. */
  async handle(toolUseId: string, args: JsonValue): Promise<ClientSearchTurn> {
    const query =
      typeof args === "object" && args !== null && !Array.isArray(args) && typeof args.query === "string"
        ? args.query
        : "";
    const displayName = this.config.variant === "regex" ? "tool_search_tool_regex" : "tool_search_tool_bm25";
    const queryEvent: JsonObject = {
      id: toolUseId,
      name: displayName,
      query: args,
      strategy: this.strategy,
      mode: "client",
    };
    const outcome = await this.run(query);
    const promoted = this.promote(outcome.toolNames);
    return {
      resultText: JSON.stringify(outcomeJson(outcome)),
      outcome,
      promoted,
      queryEvent,
      resultEvent: {
        tool_use_id: toolUseId,
        tool_references: outcome.toolNames.map((n) => ({ tool_name: n })),
        strategy: this.strategy,
        mode: "client",
        promoted,
      },
    };
  }
}
