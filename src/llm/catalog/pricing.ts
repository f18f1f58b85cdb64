// Token prices and the cost arithmetic built on them: the model catalog's
// per-million prices win, then a table of well-known model families, then
// the provider's default per-1k rates. Prompt-cache reads and writes are
// priced separately where the catalog knows their rates.

import { MODELS } from "./models.ts";
import { BUILTIN_PROVIDERS } from "./providers.ts";

/** `[input, output]` USD per million tokens for well-known families, first match wins. */
const FAMILY_PRICES: readonly (readonly [(m: string) => boolean, number, number])[] = [
  [(m) => m.includes("claude-3-5-haiku") || m.includes("claude-haiku-4"), 0.8, 4],
  [(m) => m.includes("claude-3-5-sonnet") || m.includes("claude-sonnet-4"), 3, 15],
  [(m) => m.includes("claude-3-opus") || m.includes("claude-opus-4"), 15, 75],
  [(m) => m.includes("gpt-4o-mini"), 0.15, 0.6],
  [(m) => m.includes("gpt-4o"), 2.5, 10],
  [(m) => m.includes("gpt-4-turbo"), 10, 30],
  [(m) => m.includes("o1-mini"), 3, 12],
  [(m) => m.includes("o1") || m.includes("o3"), 15, 60],
  [(m) => m.includes("llama") && m.includes("70b"), 0.59, 0.79],
  [(m) => m.includes("llama") && m.includes("8b"), 0.05, 0.08],
  [(m) => m.includes("mistral-large"), 2, 6],
  [(m) => m.includes("mistral-small"), 0.2, 0.6],
  [(m) => m.includes("gemini-2") && m.includes("flash"), 0.1, 0.4],
  [(m) => m.includes("gemini-2") && m.includes("pro"), 1.25, 5],
];

/** `[input, output]` USD per 1k tokens for `model`, if known. */
export function modelPricePer1k(model: string): [number, number] | undefined {
  const catalog = MODELS[model]?.pricing;
  if (catalog) return [catalog.inputPerMtok / 1000, catalog.outputPerMtok / 1000];
  const family = FAMILY_PRICES.find(([test]) => test(model));
  return family ? [family[1] / 1000, family[2] / 1000] : undefined;
}

/** Model price, else the provider's default rates. */
export function pricePer1k(provider: string, model: string): [number, number] | undefined {
  const known = modelPricePer1k(model);
  if (known) return known;
  const def = BUILTIN_PROVIDERS[provider];
  if (def?.costPer1kIn !== undefined && def.costPer1kOut !== undefined)
    return [def.costPer1kIn, def.costPer1kOut];
  return undefined;
}

function costWith(rates: [number, number] | undefined, inputTokens: number, outputTokens: number): number {
  return rates ? (inputTokens * rates[0] + outputTokens * rates[1]) / 1000 : 0;
}

/** USD cost of a call to `model` (unknown models cost 0). */
export function modelCost(model: string, inputTokens: number, outputTokens: number): number {
  return costWith(modelPricePer1k(model), inputTokens, outputTokens);
}

/** USD cost of a call, falling back to the provider's default rates. */
export function callCost(provider: string, model: string, inputTokens: number, outputTokens: number): number {
  return costWith(pricePer1k(provider, model), inputTokens, outputTokens);
}

/** Share of the prompt served from cache (0 when nothing was reported). */
export function cacheHitRatio(inputTokens: number, cacheRead: number, cacheWrite: number): number {
  const input = Math.max(inputTokens, 0);
  const read = Math.max(cacheRead, 0);
  const reported = read + Math.max(cacheWrite, 0);
  // Some providers count cached tokens inside input_tokens, others beside it.
  const total = reported <= input ? input : input + reported;
  return total === 0 ? 0 : read / total;
}

/** USD saved (negative when cache writes cost extra) against paying full input price. */
export function cacheSavingsUsd(
  provider: string,
  model: string,
  cacheRead: number,
  cacheWrite: number,
): number {
  const catalog = MODELS[model]?.pricing;
  let input: number;
  let readRate: number;
  let writeRate: number;
  if (catalog) {
    input = catalog.inputPerMtok / 1000;
    readRate = catalog.cacheReadPerMtok !== undefined ? catalog.cacheReadPerMtok / 1000 : input;
    writeRate = catalog.cacheWritePerMtok !== undefined ? catalog.cacheWritePerMtok / 1000 : input;
  } else {
    const def = BUILTIN_PROVIDERS[provider];
    if (def?.costPer1kIn === undefined || def.costPer1kOut === undefined) return 0;
    input = readRate = writeRate = def.costPer1kIn;
  }
  return (Math.max(cacheRead, 0) * (input - readRate) + Math.max(cacheWrite, 0) * (input - writeRate)) / 1000;
}
