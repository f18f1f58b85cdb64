// The Linear connector's outbound client (spec: "Connectors: Linear"): one
// GraphQL endpoint. `graphql` returns the envelope `{data, errors, meta}`
// where `meta` carries the query's complexity (Linear's `X-Complexity`
// header, else a local estimate) and the rate-limit headers; the typed
// methods (`list_issues`, `update_issue`, `create_comment`, `search`) run
// fixed documents and return their root field with `meta` attached.
// Authentication is a personal API key (sent as is) or an OAuth access
// token (sent as a bearer token).

import { type JsonObject, type JsonValue, isJsonObject } from "../../llm/json.ts";
import type { TransportResponse } from "../../llm/transport/types.ts";
import {
  ConnectorError,
  type ConnectorSite,
  jsonBody,
  optInt,
  optText,
  refuseSecret,
  send,
  text,
} from "./connector-http.ts";
import { statusLine } from "./github-client.ts";

const DEFAULT_API_BASE_URL = "https://api.linear.app/graphql";
const USER_AGENT = "harn-linear-connector";
/** Complexity at or above which `meta.complexity_warning` is set. */
const COMPLEXITY_WARNING_THRESHOLD = 5000;

const ISSUE_FIELDS =
  "id identifier title priority estimate dueDate url createdAt updatedAt state { id name type } team { id key name } assignee { id name } project { id name } cycle { id name } labels { nodes { id name } }";
const LIST_ISSUES = `query ListIssues($filter: IssueFilter, $first: Int, $after: String, $includeArchived: Boolean) { issues(filter: $filter, first: $first, after: $after, includeArchived: $includeArchived) { nodes { ${ISSUE_FIELDS} } pageInfo { hasNextPage endCursor } } }`;
const UPDATE_ISSUE =
  "mutation UpdateIssue($id: String!, $input: IssueUpdateInput!) { issueUpdate(id: $id, input: $input) { success issue { id identifier title priority estimate dueDate url updatedAt state { id name type } assignee { id name } project { id name } cycle { id name } labels { nodes { id name } } } } }";
const CREATE_COMMENT =
  "mutation CreateComment($input: CommentCreateInput!) { commentCreate(input: $input) { success comment { id body url createdAt user { id name } issue { id identifier title } } } }";
const SEARCH_FIELDS =
  "nodes { id identifier title url priority state { id name type } team { id key name } }";
/** Linear renamed `searchIssues(query:)` to `term:`; the older form is tried first. */
const SEARCHES = [
  {
    arg: "query",
    doc: `query SearchIssues($query: String!, $first: Int) { searchIssues(query: $query, first: $first) { ${SEARCH_FIELDS} } }`,
  },
  {
    arg: "term",
    doc: `query SearchIssues($term: String!, $first: Int) { searchIssues(term: $term, first: $first) { ${SEARCH_FIELDS} } }`,
  },
];

interface LinearConfig {
  readonly apiBaseUrl: string;
  readonly authorization: string;
}

function configOf(args: JsonObject): LinearConfig {
  const secrets = isJsonObject(args.secrets) ? args.secrets : {};
  if (optText(args, "access_token_secret") !== undefined || typeof secrets.access_token === "string") {
    refuseSecret("linear", "access_token_secret", "access_token");
  }
  if (optText(args, "api_key_secret") !== undefined || typeof secrets.api_key === "string") {
    refuseSecret("linear", "api_key_secret", "api_key");
  }
  const token = optText(args, "access_token");
  const apiKey = optText(args, "api_key");
  if (token === undefined && apiKey === undefined) {
    throw new ConnectorError(
      "linear connector requires access_token, access_token_secret, api_key, or api_key_secret",
    );
  }
  return {
    apiBaseUrl: optText(args, "api_base_url") ?? DEFAULT_API_BASE_URL,
    authorization: token !== undefined ? `Bearer ${token}` : (apiKey as string),
  };
}

/** A rough cost: braces, page sizes (50 when not a literal), and 50 per `nodes` selection. */
export function estimateComplexity(query: string): number | null {
  const q = query.trim();
  if (q === "") return null;
  const braces = (q.match(/[{}]/g) ?? []).length;
  let score = 1 + Math.max(braces, 1);
  for (const m of q.matchAll(/(?:first|last):\s*(\d*)/g)) score += m[1] === "" ? 50 : Number(m[1]);
  score += (q.match(/nodes/g) ?? []).length * 50;
  return score;
}

function headerInt(response: TransportResponse, name: string): number | null {
  const raw = response.headers.get(name);
  return raw !== undefined && /^-?\d+$/.test(raw.trim()) ? Number(raw.trim()) : null;
}

function metaOf(response: TransportResponse, query: string): JsonObject {
  const estimated = estimateComplexity(query);
  const observed = headerInt(response, "x-complexity");
  const complexity = observed ?? estimated;
  const h = (name: string): number | null => headerInt(response, `x-ratelimit-${name}`);
  return {
    complexity_estimate: estimated,
    observed_complexity: observed,
    complexity_warning: complexity !== null && complexity >= COMPLEXITY_WARNING_THRESHOLD,
    rate_limit: {
      requests_limit: h("requests-limit"),
      requests_remaining: h("requests-remaining"),
      requests_reset: h("requests-reset"),
      complexity_limit: h("complexity-limit"),
      complexity_remaining: h("complexity-remaining"),
      complexity_reset: h("complexity-reset"),
    },
  };
}

function errorMessages(errors: JsonValue | undefined): string[] {
  return Array.isArray(errors)
    ? errors.flatMap((e) => (isJsonObject(e) && typeof e.message === "string" ? [e.message] : []))
    : [];
}

function isRateLimited(status: number, errors: JsonValue | undefined): boolean {
  if (status === 429) return true;
  if (status !== 400 || !Array.isArray(errors)) return false;
  return errors.some(
    (e) =>
      isJsonObject(e) &&
      isJsonObject(e.extensions) &&
      String(e.extensions.code).toUpperCase() === "RATELIMITED",
  );
}

/** `data[field]` of an envelope, with the envelope's meta attached when it is an object. */
function extractField(envelope: JsonObject, field: string): JsonValue {
  if (!isJsonObject(envelope.data))
    throw new ConnectorError("linear connector response missing GraphQL data");
  const value = envelope.data[field];
  if (value === undefined)
    throw new ConnectorError(`linear connector response missing \`${field}\` GraphQL field`);
  return isJsonObject(value) ? { ...value, meta: envelope.meta ?? null } : value;
}

export class LinearClient {
  constructor(private readonly site: ConnectorSite) {}

  async call(method: string, args: JsonObject): Promise<JsonValue> {
    switch (method) {
      case "graphql": {
        const variables = args.variables ?? null;
        return this.graphql(
          configOf(args),
          text(args, "query"),
          variables,
          optText(args, "operation_name") ?? null,
        );
      }
      case "list_issues": {
        const variables = {
          filter: args.filter ?? null,
          first: optInt(args, "first") ?? null,
          after: optText(args, "after") ?? null,
          includeArchived: args.include_archived ?? null,
        };
        return extractField(
          await this.graphql(configOf(args), LIST_ISSUES, variables, "ListIssues"),
          "issues",
        );
      }
      case "update_issue": {
        const variables = { id: text(args, "id"), input: args.changes ?? null };
        return extractField(
          await this.graphql(configOf(args), UPDATE_ISSUE, variables, "UpdateIssue"),
          "issueUpdate",
        );
      }
      case "create_comment": {
        const variables = { input: { issueId: text(args, "issue_id"), body: text(args, "body") } };
        return extractField(
          await this.graphql(configOf(args), CREATE_COMMENT, variables, "CreateComment"),
          "commentCreate",
        );
      }
      case "search":
        return this.search(configOf(args), text(args, "query"), optInt(args, "first") ?? null);
      default:
        throw new ConnectorError(`linear connector does not implement outbound method \`${method}\``);
    }
  }

  private async search(config: LinearConfig, query: string, first: number | null): Promise<JsonValue> {
    for (const [i, s] of SEARCHES.entries()) {
      try {
        const envelope = await this.graphql(config, s.doc, { [s.arg]: query, first }, "SearchIssues");
        return extractField(envelope, "searchIssues");
      } catch (e) {
        const message = e instanceof ConnectorError ? e.message : "";
        const schemaMismatch =
          message.includes("Unknown argument") || message.includes("GRAPHQL_VALIDATION_FAILED");
        if (i > 0 || !schemaMismatch) throw e;
      }
    }
    throw new ConnectorError("linear connector searchIssues query failed");
  }

  /** POSTs one GraphQL request; resolves to `{data, errors, meta}`. */
  private async graphql(
    config: LinearConfig,
    query: string,
    variables: JsonValue,
    operationName: string | null,
  ): Promise<JsonObject> {
    const body: JsonObject = { query };
    if (variables !== null) body.variables = variables;
    if (operationName !== null) body.operationName = operationName;
    const response = await send(this.site, "linear", USER_AGENT, {
      method: "POST",
      url: config.apiBaseUrl,
      headers: [["Authorization", config.authorization]],
      json: body,
    });
    const meta = metaOf(response, query);
    const payload = await jsonBody(response);
    const p = isJsonObject(payload) ? payload : {};
    const messages = errorMessages(p.errors);
    if (isRateLimited(response.status, p.errors) || response.status < 200 || response.status >= 300) {
      const status = statusLine(response.status);
      throw new ConnectorError(
        messages.length === 0
          ? `linear GraphQL request failed with status ${status}`
          : `linear GraphQL request failed with status ${status}: ${messages.join("; ")}`,
      );
    }
    return { data: p.data ?? null, errors: p.errors ?? null, meta };
  }
}
