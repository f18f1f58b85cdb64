// The GitHub connector's outbound client (spec: "Connectors: GitHub"):
// `comment`, `add_labels`, `request_review`, `merge_pr`, `list_stale_prs`,
// `get_pr_diff`, `create_issue` and the raw `api_call`, authenticated as a
// GitHub App installation. The App JWT (RS256, signed with the configured
// private key) buys an installation token, cached per installation until
// five minutes before it expires (at most 55 minutes). A 401 drops the
// cached token and retries once; a rate-limited answer waits for
// `retry-after` / `x-ratelimit-reset` and retries once. When the remaining
// quota runs low, a `github.rate_limit` event goes to the event log.

import { type JsonObject, type JsonValue, isJsonObject } from "../../llm/json.ts";
import type { TransportResponse } from "../../llm/transport/types.ts";
import {
  ConnectorError,
  type ConnectorSite,
  joinApiUrl,
  jsonBody,
  optInt,
  optText,
  refuseSecret,
  send,
  text,
  textList,
} from "./connector-http.ts";

const API_VERSION = "2022-11-28";
const DEFAULT_API_BASE_URL = "https://api.github.com";
const USER_AGENT = "harn-github-connector";
const JSON_ACCEPT = "application/vnd.github+json";

interface GitHubConfig {
  readonly appId: number;
  readonly installationId: number;
  readonly apiBaseUrl: string;
  readonly privateKeyPem: string;
}

/** Signs the App JWT claims with RS256; supplied by the layer that owns the crypto. */
export type AppJwtSigner = (claims: JsonObject, privateKeyPem: string) => string;

/** Reports a low remaining quota (`connectors.github.rate_limit`). */
export type RateLimitSink = (payload: JsonObject) => void;

function configOf(args: JsonObject): GitHubConfig {
  const appId = optInt(args, "app_id");
  if (appId === undefined) throw new ConnectorError("github connector requires app_id");
  const installationId = optInt(args, "installation_id");
  if (installationId === undefined) throw new ConnectorError("github connector requires installation_id");
  const secrets = isJsonObject(args.secrets) ? args.secrets : {};
  if (optText(args, "private_key_secret") !== undefined || typeof secrets.private_key === "string") {
    refuseSecret("github", "private_key_secret", "private_key_pem");
  }
  const privateKeyPem = optText(args, "private_key_pem");
  if (privateKeyPem === undefined) {
    throw new ConnectorError("github connector requires private_key_secret or private_key_pem");
  }
  return {
    appId,
    installationId,
    apiBaseUrl: optText(args, "api_base_url") ?? DEFAULT_API_BASE_URL,
    privateKeyPem,
  };
}

interface RepoRef {
  readonly owner: string;
  readonly repo: string;
}

const PREFIXES = ["https://github.com/", "https://api.github.com/repos/"];

/** `owner/repo`, or a github.com / api.github.com repository URL. */
export function parseRepo(input: string): RepoRef {
  const trimmed = input.trim().replace(/^\/+|\/+$/g, "");
  for (const prefix of PREFIXES) {
    if (!trimmed.startsWith(prefix)) continue;
    const [owner, repo] = trimmed.slice(prefix.length).split("/");
    if (owner && repo) return { owner, repo };
  }
  const slash = trimmed.indexOf("/");
  if (slash > 0 && slash < trimmed.length - 1)
    return { owner: trimmed.slice(0, slash), repo: trimmed.slice(slash + 1) };
  throw new ConnectorError(`invalid GitHub repository reference \`${input}\``);
}

/** An issue or pull request URL: `https://github.com/o/r/issues|pull/N` or the API form. */
export function parseIssueUrl(input: string, kind: "issue" | "pull"): RepoRef & { number: number } {
  const trimmed = input.trim().replace(/^\/+|\/+$/g, "");
  for (const prefix of PREFIXES) {
    if (!trimmed.startsWith(prefix)) continue;
    const [owner, repo, segment, num] = trimmed.slice(prefix.length).split("/");
    const kinds = kind === "issue" ? ["issue", "issues"] : ["pull", "pulls"];
    if (owner && repo && segment && num !== undefined && kinds.includes(segment)) {
      if (!/^\d+$/.test(num))
        throw new ConnectorError(`invalid GitHub URL \`${input}\`: invalid digit found in string`);
      return { owner, repo, number: Number(num) };
    }
  }
  throw new ConnectorError(`invalid GitHub ${kind} URL \`${input}\``);
}

const isRateLimitedStatus = (status: number): boolean => status === 429 || status === 403;

function rateLimitDelayMs(response: TransportResponse, nowMs: number): number {
  const retryAfter = Number(response.headers.get("retry-after"));
  if (Number.isInteger(retryAfter) && retryAfter >= 0 && response.headers.has("retry-after")) {
    return retryAfter * 1000;
  }
  const reset = Number(response.headers.get("x-ratelimit-reset"));
  if (Number.isInteger(reset) && reset * 1000 > nowMs)
    return Math.floor((reset * 1000 - nowMs) / 1000) * 1000;
  return 100;
}

/** An ISO date `days` before `nowMs` (the `updated:<` bound of a stale-PR search). */
function daysBefore(nowMs: number, days: number): string {
  return new Date(nowMs - days * 86_400_000).toISOString().slice(0, 10);
}

/** Installation tokens by installation id, with the time to refresh them (kept for a whole run). */
export type InstallationTokens = Map<number, { token: string; refreshAt: number }>;

export class GitHubClient {
  constructor(
    private readonly site: ConnectorSite,
    private readonly sign: AppJwtSigner,
    private readonly onRateLimit: RateLimitSink,
    private readonly tokens: InstallationTokens,
  ) {}

  async call(method: string, args: JsonObject): Promise<JsonValue> {
    switch (method) {
      case "comment": {
        const issue = parseIssueUrl(text(args, "issue_url"), "issue");
        const path = `/repos/${issue.owner}/${issue.repo}/issues/${issue.number}/comments`;
        return this.json(configOf(args), "POST", path, { body: text(args, "body") });
      }
      case "add_labels": {
        const issue = parseIssueUrl(text(args, "issue_url"), "issue");
        const path = `/repos/${issue.owner}/${issue.repo}/issues/${issue.number}/labels`;
        return this.json(configOf(args), "POST", path, { labels: textList(args, "labels") });
      }
      case "request_review": {
        const pr = parseIssueUrl(text(args, "pr_url"), "pull");
        const path = `/repos/${pr.owner}/${pr.repo}/pulls/${pr.number}/requested_reviewers`;
        return this.json(configOf(args), "POST", path, { reviewers: textList(args, "reviewers") });
      }
      case "merge_pr":
        return this.mergePr(args);
      case "list_stale_prs":
        return this.listStalePrs(args);
      case "get_pr_diff": {
        const pr = parseIssueUrl(text(args, "pr_url"), "pull");
        const config = configOf(args);
        const url = joinApiUrl(config.apiBaseUrl, `/repos/${pr.owner}/${pr.repo}/pulls/${pr.number}`);
        return (await this.request(config, "GET", url, undefined, "application/vnd.github.diff")).text();
      }
      case "create_issue": {
        const repo = parseRepo(text(args, "repo"));
        const body: JsonObject = { title: text(args, "title") };
        const description = optText(args, "body");
        if (description !== undefined) body.body = description;
        if (args.labels !== undefined && args.labels !== null) body.labels = textList(args, "labels");
        return this.json(configOf(args), "POST", `/repos/${repo.owner}/${repo.repo}/issues`, body);
      }
      case "api_call": {
        const config = configOf(args);
        const url = joinApiUrl(config.apiBaseUrl, text(args, "path"));
        const accept = optText(args, "accept") ?? JSON_ACCEPT;
        const body = args.body === undefined || args.body === null ? undefined : args.body;
        return jsonBody(await this.request(config, text(args, "method").toUpperCase(), url, body, accept));
      }
      default:
        throw new ConnectorError(`github connector does not implement outbound method \`${method}\``);
    }
  }

  private async mergePr(args: JsonObject): Promise<JsonValue> {
    const pr = parseIssueUrl(text(args, "pr_url"), "pull");
    const body: JsonObject = {};
    for (const key of ["commit_title", "commit_message", "merge_method", "sha"]) {
      const v = optText(args, key);
      if (v !== undefined) body[key] = v;
    }
    const result = await this.json(
      configOf(args),
      "PUT",
      `/repos/${pr.owner}/${pr.repo}/pulls/${pr.number}/merge`,
      body,
    );
    // GitHub has no admin-override flag on merges; the request is recorded for the caller.
    if (args.admin_override === true && isJsonObject(result))
      return { ...result, admin_override_requested: true };
    return result;
  }

  private async listStalePrs(args: JsonObject): Promise<JsonValue> {
    const config = configOf(args);
    const repo = parseRepo(text(args, "repo"));
    const days = optInt(args, "days");
    if (days === undefined) throw new ConnectorError("missing field `days`");
    const query = `repo:${repo.owner}/${repo.repo} is:pr is:open updated:<${daysBefore(this.site.now(), days)}`;
    const url = new URL(joinApiUrl(config.apiBaseUrl, "/search/issues"));
    url.searchParams.set("q", query);
    return jsonBody(await this.request(config, "GET", url.toString(), undefined, JSON_ACCEPT));
  }

  private async json(
    config: GitHubConfig,
    method: string,
    path: string,
    body: JsonValue,
  ): Promise<JsonValue> {
    const url = joinApiUrl(config.apiBaseUrl, path);
    return jsonBody(await this.request(config, method, url, body, JSON_ACCEPT));
  }

  /** One API request with the installation token; retries once after a 401 and once after a rate limit. */
  private async request(
    config: GitHubConfig,
    method: string,
    url: string,
    body: JsonValue | undefined,
    accept: string,
  ): Promise<TransportResponse> {
    let retried401 = false;
    let retriedLimit = false;
    for (;;) {
      const token = await this.installationToken(config);
      const response = await send(this.site, "github", USER_AGENT, {
        method,
        url,
        headers: [
          ["Accept", accept],
          ["X-GitHub-Api-Version", API_VERSION],
          ["Authorization", `Bearer ${token}`],
        ],
        ...(body !== undefined && { json: body }),
      });
      this.observeRateLimit(response);
      if (response.status === 401 && !retried401) {
        response.cancel();
        this.tokens.delete(config.installationId);
        retried401 = true;
        continue;
      }
      const limited =
        isRateLimitedStatus(response.status) || response.headers.get("x-ratelimit-remaining") === "0";
      if (limited && !retriedLimit) {
        response.cancel();
        await this.site.sleep(rateLimitDelayMs(response, this.site.now()));
        retriedLimit = true;
        continue;
      }
      if (response.status < 200 || response.status >= 300) {
        const detail = (await response.text()).trim();
        const status = statusLine(response.status);
        throw new ConnectorError(
          detail === ""
            ? `github API request failed with status ${status}`
            : `github API request failed with status ${status}: ${detail}`,
        );
      }
      return response;
    }
  }

  private async installationToken(config: GitHubConfig): Promise<string> {
    const now = this.site.now();
    const cached = this.tokens.get(config.installationId);
    if (cached !== undefined && now < cached.refreshAt) return cached.token;
    const seconds = Math.floor(now / 1000);
    const jwt = this.sign(
      { iat: seconds - 60, exp: seconds + 540, iss: String(config.appId) },
      config.privateKeyPem,
    );
    const url = joinApiUrl(config.apiBaseUrl, `/app/installations/${config.installationId}/access_tokens`);
    const response = await send(this.site, "github", USER_AGENT, {
      method: "POST",
      url,
      headers: [
        ["Accept", JSON_ACCEPT],
        ["X-GitHub-Api-Version", API_VERSION],
        ["Authorization", `Bearer ${jwt}`],
      ],
    });
    this.observeRateLimit(response);
    if (response.status < 200 || response.status >= 300) {
      const detail = await response.text();
      throw new ConnectorError(
        `failed to create GitHub installation token (${statusLine(response.status)}): ${detail}`,
      );
    }
    const payload = await jsonBody(response);
    const token = isJsonObject(payload) && typeof payload.token === "string" ? payload.token : null;
    if (token === null) throw new ConnectorError("GitHub installation token response has no `token`");
    const expires =
      isJsonObject(payload) && typeof payload.expires_at === "string"
        ? Date.parse(payload.expires_at)
        : Number.NaN;
    const eager = now + 55 * 60_000;
    const refreshAt = Number.isNaN(expires) ? eager : Math.min(expires - 5 * 60_000, eager);
    this.tokens.set(config.installationId, { token, refreshAt });
    return token;
  }

  private observeRateLimit(response: TransportResponse): void {
    const remaining = Number(response.headers.get("x-ratelimit-remaining"));
    if (!response.headers.has("x-ratelimit-remaining") || !Number.isInteger(remaining) || remaining > 10)
      return;
    const reset = Number(response.headers.get("x-ratelimit-reset"));
    this.onRateLimit({ remaining, reset: Number.isInteger(reset) ? reset : null, status: response.status });
  }
}

const REASONS: Record<number, string> = {
  400: "Bad Request",
  401: "Unauthorized",
  403: "Forbidden",
  404: "Not Found",
  409: "Conflict",
  422: "Unprocessable Entity",
  429: "Too Many Requests",
  500: "Internal Server Error",
  502: "Bad Gateway",
  503: "Service Unavailable",
};

/** `404 Not Found`, the status as the reference's messages print it. */
export function statusLine(status: number): string {
  const reason = REASONS[status];
  return reason === undefined ? String(status) : `${status} ${reason}`;
}
