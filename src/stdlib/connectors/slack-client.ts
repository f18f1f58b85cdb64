// The Slack connector's outbound client (spec: "Connectors: Slack"): Web
// API methods with a bot token — `post_message`, `update_message`,
// `add_reaction`, `open_view`, `user_info` (a GET with query parameters),
// `upload_file` (the two-step external upload) and the raw `api_call`.
// Slack answers HTTP 200 with `{ok: false, error}` on failure; both that and
// a non-2xx status become errors carrying Slack's error code.

import { type JsonObject, type JsonValue, isJsonObject } from "../../llm/json.ts";
import type { TransportResponse } from "../../llm/transport/types.ts";
import {
  ConnectorError,
  type ConnectorSite,
  jsonBody,
  optText,
  refuseSecret,
  send,
  text,
} from "./connector-http.ts";
import { statusLine } from "./github-client.ts";

const DEFAULT_API_BASE_URL = "https://slack.com/api";
const USER_AGENT = "harn-slack-connector";

interface SlackConfig {
  readonly apiBaseUrl: string;
  readonly token: string;
}

function configOf(args: JsonObject): SlackConfig {
  const secrets = isJsonObject(args.secrets) ? args.secrets : {};
  if (optText(args, "bot_token_secret") !== undefined || typeof secrets.bot_token === "string") {
    refuseSecret("slack", "bot_token_secret", "bot_token");
  }
  const token = optText(args, "bot_token");
  if (token === undefined) throw new ConnectorError("slack connector requires bot_token or bot_token_secret");
  return { apiBaseUrl: optText(args, "api_base_url") ?? DEFAULT_API_BASE_URL, token };
}

const methodUrl = (config: SlackConfig, method: string): string =>
  `${config.apiBaseUrl.replace(/\/+$/, "")}/${method.replace(/^\/+/, "")}`;

/** Withheld fields: a body only carries what the call was given. */
function present(entries: Record<string, JsonValue | undefined>): JsonObject {
  const out: JsonObject = {};
  for (const [k, v] of Object.entries(entries)) if (v !== undefined && v !== null) out[k] = v;
  return out;
}

export class SlackClient {
  constructor(private readonly site: ConnectorSite) {}

  async call(method: string, args: JsonObject): Promise<JsonValue> {
    switch (method) {
      case "post_message": {
        const body = present({
          channel: text(args, "channel"),
          text: text(args, "text"),
          blocks: args.blocks,
          thread_ts: optText(args, "thread_ts"),
        });
        return this.post(configOf(args), "chat.postMessage", body);
      }
      case "update_message": {
        const body = present({
          channel: text(args, "channel"),
          ts: text(args, "ts"),
          text: text(args, "text"),
          blocks: args.blocks,
        });
        return this.post(configOf(args), "chat.update", body);
      }
      case "add_reaction": {
        const body = {
          channel: text(args, "channel"),
          timestamp: text(args, "ts"),
          name: text(args, "name"),
        };
        return this.post(configOf(args), "reactions.add", body);
      }
      case "open_view":
        return this.post(configOf(args), "views.open", {
          trigger_id: text(args, "trigger_id"),
          view: args.view ?? null,
        });
      case "user_info": {
        const query: [string, string][] = [["user", text(args, "user_id")]];
        const locale = args.include_locale;
        if (typeof locale === "boolean") query.push(["include_locale", String(locale)]);
        return this.get(configOf(args), "users.info", query);
      }
      case "api_call": {
        const body = args.args ?? {};
        if (!isJsonObject(body)) throw new ConnectorError("slack api_call args must be a JSON object");
        return this.post(configOf(args), text(args, "method"), body);
      }
      case "upload_file":
        return this.uploadFile(configOf(args), args);
      default:
        throw new ConnectorError(`slack connector does not implement outbound method \`${method}\``);
    }
  }

  private async post(config: SlackConfig, method: string, body: JsonObject): Promise<JsonValue> {
    const response = await send(this.site, "slack", USER_AGENT, {
      method: "POST",
      url: methodUrl(config, method),
      headers: [["Authorization", `Bearer ${config.token}`]],
      json: body,
    });
    return this.decode(method, response);
  }

  private async get(config: SlackConfig, method: string, query: [string, string][]): Promise<JsonValue> {
    const url = new URL(methodUrl(config, method));
    for (const [k, v] of query) url.searchParams.append(k, v);
    const response = await send(this.site, "slack", USER_AGENT, {
      method: "GET",
      url: url.toString(),
      headers: [["Authorization", `Bearer ${config.token}`]],
    });
    return this.decode(method, response);
  }

  /** The body of a successful call (with `ok: true`), or Slack's error as the failure. */
  private async decode(method: string, response: TransportResponse): Promise<JsonValue> {
    const payload = await jsonBody(response);
    const p = isJsonObject(payload) ? payload : {};
    const error = typeof p.error === "string" ? p.error : null;
    if (response.status < 200 || response.status >= 300) {
      throw new ConnectorError(
        error ?? `Slack API request failed with status ${statusLine(response.status)}`,
      );
    }
    if (p.ok !== true) throw new ConnectorError(error ?? `Slack API method \`${method}\` failed`);
    const { error: _dropped, ...rest } = p;
    return { ...rest, ok: true };
  }

  /** files.getUploadURLExternal, the upload itself, then files.completeUploadExternal. */
  private async uploadFile(config: SlackConfig, args: JsonObject): Promise<JsonValue> {
    const filename = text(args, "filename");
    const content = text(args, "content");
    const form = new URLSearchParams({ filename, length: String(new TextEncoder().encode(content).length) });
    for (const key of ["alt_txt", "snippet_type"]) {
      const v = optText(args, key);
      if (v !== undefined) form.set(key, v);
    }
    const start = await send(this.site, "slack", USER_AGENT, {
      method: "POST",
      url: methodUrl(config, "files.getUploadURLExternal"),
      headers: [
        ["Authorization", `Bearer ${config.token}`],
        ["Content-Type", "application/x-www-form-urlencoded"],
      ],
      raw: form.toString(),
    });
    const started = await this.decode("files.getUploadURLExternal", start);
    const s = isJsonObject(started) ? started : {};
    if (typeof s.upload_url !== "string") {
      throw new ConnectorError("Slack API response missing upload_url for files.getUploadURLExternal");
    }
    if (typeof s.file_id !== "string") {
      throw new ConnectorError("Slack API response missing file_id for files.getUploadURLExternal");
    }
    const uploaded = await send(this.site, "slack", USER_AGENT, {
      method: "POST",
      url: s.upload_url,
      headers: [["Content-Type", "application/octet-stream"]],
      raw: content,
    });
    uploaded.cancel();
    if (uploaded.status < 200 || uploaded.status >= 300) {
      throw new ConnectorError(`HTTP status ${statusLine(uploaded.status)} for url (${s.upload_url})`);
    }
    const file: JsonObject = { id: s.file_id, title: optText(args, "title") ?? filename };
    const complete = present({
      files: [file],
      channel_id: optText(args, "channel_id"),
      initial_comment: optText(args, "initial_comment"),
      thread_ts: optText(args, "thread_ts"),
    });
    const done = await this.post(config, "files.completeUploadExternal", complete);
    return isJsonObject(done) ? { ...done, file_id: s.file_id } : done;
  }
}
