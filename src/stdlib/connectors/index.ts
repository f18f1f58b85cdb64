// `connector_call(provider, method, params)` (spec: "Connectors"): the
// outbound half of the GitHub, Linear and Slack connectors, which the
// `std/connectors/*` modules wrap. `params` carry both the call's
// arguments and the connector configuration the module's `configure(...)`
// merged in (credentials, `api_base_url`). GitHub installation tokens are
// cached per VM, so a run authenticates once per installation. Failures are
// thrown as their message string; a request the egress policy blocks
// throws the policy's EgressBlocked error; cancelling the calling task
// aborts the request in flight.

import type { JsonObject, JsonValue } from "../../llm/json.ts";
import { jsonToValue, valueToJson } from "../../llm/json.ts";
import type { Transport } from "../../llm/transport/types.ts";
import { eventLogOf } from "../../runtime/events/active-log.ts";
import { logEvent } from "../../runtime/events/event-log.ts";
import { display } from "../../vm/display.ts";
import { thrown, type VmError } from "../../vm/errors.ts";
import { cancellable } from "../../vm/scheduler.ts";
import { type BuiltinContext, Dict, type Value } from "../../vm/values.ts";
import type { Vm } from "../../vm/vm.ts";
import { ConnectorEgressBlocked, ConnectorError, type ConnectorSite } from "./connector-http.ts";
import { type AppJwtSigner, GitHubClient, type InstallationTokens } from "./github-client.ts";
import { LinearClient } from "./linear-client.ts";
import { SlackClient } from "./slack-client.ts";

export interface ConnectorHost {
  readonly transport: Transport;
  /** The egress policy's error for `surface` reaching `url`, if it blocks it. */
  readonly egress: (surface: string, url: string) => VmError | undefined;
}

const PROVIDERS = ["github", "linear", "slack"] as const;
type Provider = (typeof PROVIDERS)[number];

const GITHUB_RATE_LIMIT_TOPIC = "connectors.github.rate_limit";

function requiredText(args: Value[], index: number, label: string): string {
  const v = args[index];
  const text = v === undefined || v === null ? "" : display(v);
  if (text.trim() === "") throw thrown(`connector_call: ${label} is required`);
  return text;
}

/**
 * The GitHub App JWT is signed by the VM's `jwt_sign` builtin, which owns
 * the crypto provider; connectors need it for this one signature only.
 */
function appJwtSigner(vm: Vm, ctx: BuiltinContext): AppJwtSigner {
  return (claims, pem) => {
    const sign = vm.builtins.get("jwt_sign");
    if (sign === undefined) throw new ConnectorError("github connector: signing the App JWT needs jwt_sign");
    try {
      return String(sign.fn(["RS256", jsonToValue(claims), pem], ctx));
    } catch (e) {
      throw new ConnectorError(`github connector: ${e instanceof Error ? e.message : String(e)}`);
    }
  };
}

function failure(e: unknown): unknown {
  if (e instanceof ConnectorEgressBlocked) return e.error;
  if (e instanceof ConnectorError) return thrown(e.message);
  return e;
}

export function registerConnectors(vm: Vm, host: ConnectorHost): void {
  const tokens: InstallationTokens = new Map();
  const onRateLimit = (payload: JsonObject): void => {
    const event = logEvent("github.rate_limit", jsonToValue(payload), Date.now());
    eventLogOf(vm).append(GITHUB_RATE_LIMIT_TOPIC, event);
  };
  const call = (
    provider: Provider,
    site: ConnectorSite,
    ctx: BuiltinContext,
    method: string,
    args: JsonObject,
  ) => {
    switch (provider) {
      case "github":
        return new GitHubClient(site, appJwtSigner(vm, ctx), onRateLimit, tokens).call(method, args);
      case "linear":
        return new LinearClient(site).call(method, args);
      case "slack":
        return new SlackClient(site).call(method, args);
    }
  };
  vm.registerBuiltin("connector_call", (args, ctx) => {
    const provider = requiredText(args, 0, "provider");
    const method = requiredText(args, 1, "method");
    const params = args[2];
    if (params !== undefined && params !== null && !(params instanceof Dict)) {
      throw thrown("connector_call: params must be a dict when provided");
    }
    if (!(PROVIDERS as readonly string[]).includes(provider)) {
      throw thrown(`connector_call: connector \`${provider}\` is not active`);
    }
    const controller = new AbortController();
    const site: ConnectorSite = {
      transport: host.transport,
      egress: host.egress,
      now: () => Date.now(),
      // A wait the program is doing (rate-limit backoff): the timer keeps the run alive.
      sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
      signal: controller.signal,
    };
    const json = params instanceof Dict ? (valueToJson(params) as JsonObject) : {};
    const run = call(provider as Provider, site, ctx, method, json).then(
      (result: JsonValue) => jsonToValue(result),
      (e: unknown) => {
        throw failure(e);
      },
    );
    return cancellable(run, () => controller.abort());
  });
}
