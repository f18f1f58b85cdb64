// The network half of `llm_healthcheck`: one request to the probe the
// catalog configures for a provider (a models listing, Anthropic's token
// counter, Hugging Face's whoami), authenticated as chat calls are. Any
// 2xx means the provider is reachable and the key accepted; other statuses
// and transport failures are reported with the reason, status, URL and a
// body excerpt in `metadata`, as the reference does. The checks that need
// no network (unknown provider, missing key) happen in the builtin first.

import type { HealthcheckDef, ProviderDef } from "../catalog/providers.ts";
import type { JsonObject } from "../json.ts";
import type { HealthcheckResult } from "../provider.ts";
import { authHeaders, environmentProxy, joinUrl, type ProviderEnvironment } from "./http-exchange.ts";

const HEALTHCHECK_TIMEOUT_MS = 5_000;
const BODY_EXCERPT_CHARS = 1000;

/** The probe URL: the check's absolute URL, else the (environment-resolved) base URL plus its path. */
export function healthcheckUrl(env: ProviderEnvironment, def: ProviderDef, check: HealthcheckDef): string {
  if (check.url !== undefined) return check.url;
  const override = def.baseUrlEnv === undefined ? undefined : env.env(def.baseUrlEnv);
  const base = override?.trim().replace(/^["']|["']$/g, "") || def.baseUrl;
  return joinUrl(base, check.path ?? "");
}

function excerpt(body: string): string {
  return [...body].slice(0, BODY_EXCERPT_CHARS).join("");
}

/** Probes `provider` with `apiKey` ("" sends no credentials). */
export async function catalogHealthcheck(
  env: ProviderEnvironment,
  provider: string,
  def: ProviderDef,
  apiKey: string,
  signal: AbortSignal,
): Promise<HealthcheckResult> {
  const check = def.healthcheck;
  if (check === undefined) {
    return {
      valid: false,
      message: `No healthcheck configured for ${provider}`,
      metadata: { reason: "no_healthcheck", provider },
    };
  }
  const url = healthcheckUrl(env, def, check);
  const method = check.method.toUpperCase();
  const headers: [string, string][] = [
    ...authHeaders(def, apiKey.trim()),
    ...Object.entries(def.extraHeaders ?? {}),
  ];
  if (check.body !== undefined) headers.push(["Content-Type", "application/json"]);
  const where: JsonObject = { provider, url, method };
  try {
    const proxy = environmentProxy(env, url);
    const response = await env.transport.send({
      method,
      url,
      headers,
      ...(check.body !== undefined && { body: check.body }),
      timeoutMs: HEALTHCHECK_TIMEOUT_MS,
      signal,
      ...(proxy && { proxy }),
    });
    const body = await response.text().catch(() => "");
    const valid = response.status >= 200 && response.status < 300;
    const metadata: JsonObject = { reason: valid ? "ok" : "http_status", ...where, status: response.status };
    if (!valid && body !== "") metadata.body = excerpt(body);
    const message = valid
      ? `${provider} is reachable (HTTP ${response.status})`
      : `${provider} returned HTTP ${response.status}${body === "" ? "" : `: ${excerpt(body)}`}`;
    return { valid, message, metadata };
  } catch (error) {
    const detail = error instanceof Error ? error.message : String(error);
    return {
      valid: false,
      message: `${provider} healthcheck failed: ${detail}`,
      metadata: { reason: "request_failed", ...where },
    };
  }
}
