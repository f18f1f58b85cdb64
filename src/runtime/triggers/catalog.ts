// The trigger provider catalog (`list_providers()`): which providers the
// runtime knows, the event kinds each accepts, the Harn schema of its
// payload, how inbound requests are signed, which secrets it needs and
// which outbound methods its connector offers. A table of facts, kept as
// plain data so adding a provider is one entry.

import { Dict, type Value } from "../../vm/values.ts";

interface Hmac {
  readonly variant: string;
  readonly signatureHeader: string;
  readonly timestampHeader?: string;
  readonly idHeader?: string;
  readonly toleranceSecs?: number;
  readonly encoding: "hex" | "base64";
}

interface ProviderEntry {
  readonly provider: string;
  readonly kinds: readonly string[];
  readonly schema: string;
  readonly connector: string;
  readonly hmac?: Hmac;
  /** [name, required] pairs; the namespace is the provider. */
  readonly secrets?: readonly (readonly [string, boolean])[];
  readonly outbound?: readonly string[];
}

const STREAM_PROVIDERS = ["kafka", "nats", "pulsar", "postgres-cdc", "email", "websocket"];

const PROVIDERS: readonly ProviderEntry[] = [
  {
    provider: "github",
    kinds: ["webhook"],
    schema: "GitHubEventPayload",
    connector: "webhook",
    hmac: {
      variant: "github",
      signatureHeader: "X-Hub-Signature-256",
      idHeader: "X-GitHub-Delivery",
      encoding: "hex",
    },
    secrets: [["signing_secret", true]],
  },
  {
    provider: "slack",
    kinds: ["webhook"],
    schema: "SlackEventPayload",
    connector: "slack",
    hmac: {
      variant: "slack",
      signatureHeader: "X-Slack-Signature",
      timestampHeader: "X-Slack-Request-Timestamp",
      toleranceSecs: 300,
      encoding: "hex",
    },
    secrets: [["signing_secret", true]],
    outbound: [
      "post_message",
      "update_message",
      "add_reaction",
      "open_view",
      "user_info",
      "api_call",
      "upload_file",
    ],
  },
  {
    provider: "linear",
    kinds: ["webhook"],
    schema: "LinearEventPayload",
    connector: "linear",
    hmac: {
      variant: "linear",
      signatureHeader: "Linear-Signature",
      idHeader: "Linear-Delivery",
      toleranceSecs: 75,
      encoding: "hex",
    },
    secrets: [
      ["signing_secret", true],
      ["access_token", false],
    ],
    outbound: ["list_issues", "update_issue", "create_comment", "search", "graphql"],
  },
  {
    provider: "notion",
    kinds: ["webhook", "poll"],
    schema: "NotionEventPayload",
    connector: "notion",
    hmac: { variant: "notion", signatureHeader: "X-Notion-Signature", encoding: "hex" },
    secrets: [["verification_token", true]],
    outbound: [
      "get_page",
      "update_page",
      "append_blocks",
      "query_database",
      "search",
      "create_comment",
      "api_call",
    ],
  },
  { provider: "cron", kinds: ["cron"], schema: "CronEventPayload", connector: "cron" },
  {
    provider: "webhook",
    kinds: ["webhook"],
    schema: "GenericWebhookPayload",
    connector: "webhook",
    hmac: {
      variant: "standard",
      signatureHeader: "webhook-signature",
      timestampHeader: "webhook-timestamp",
      idHeader: "webhook-id",
      toleranceSecs: 300,
      encoding: "base64",
    },
    secrets: [["signing_secret", true]],
  },
  { provider: "a2a-push", kinds: ["a2a-push"], schema: "A2aPushPayload", connector: "a2a-push" },
  ...STREAM_PROVIDERS.map((provider) => ({
    provider,
    kinds: ["stream"],
    schema: "StreamEventPayload",
    connector: "stream",
  })),
];

function signatureValue(h: Hmac | undefined): Dict {
  if (h === undefined) return Dict.of({ kind: "none" });
  return Dict.of({
    kind: "hmac",
    variant: h.variant,
    raw_body: true,
    signature_header: h.signatureHeader,
    timestamp_header: h.timestampHeader ?? null,
    id_header: h.idHeader ?? null,
    default_tolerance_secs: h.toleranceSecs ?? null,
    digest: "sha256",
    encoding: h.encoding,
  });
}

function entryValue(e: ProviderEntry): Dict {
  return Dict.of({
    provider: e.provider,
    kinds: [...e.kinds],
    schema_name: e.schema,
    outbound_methods: (e.outbound ?? []).map((name) => Dict.of({ name })),
    secret_requirements: (e.secrets ?? []).map(([name, required]) =>
      Dict.of({ name, required, namespace: e.provider }),
    ),
    signature_verification: signatureValue(e.hmac),
    runtime: Dict.of({
      kind: "builtin",
      connector: e.connector,
      default_signature_variant: e.hmac?.variant ?? null,
    }),
  });
}

/** Every catalogued provider, ordered by name. */
export function providerCatalog(): Value[] {
  return [...PROVIDERS].sort((a, b) => (a.provider < b.provider ? -1 : 1)).map(entryValue);
}

/** The HMAC settings a provider's inbound requests are signed with, if any. */
export function providerSignature(provider: string): Hmac | undefined {
  return PROVIDERS.find((p) => p.provider === provider)?.hmac;
}
