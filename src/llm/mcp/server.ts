// Serving a Harn program's declarations over MCP (spec: "MCP server"):
// one JSON-RPC message in, one response out (null for notifications), so
// any transport — stdio lines for `harn mcp-serve`, HTTP for an embedder —
// can drive it. Tools come from the registry given to `mcp_tools`, plus
// resources, resource templates and prompts; handlers are Harn closures
// run through the caller's `callValue`. Lists are returned whole (no
// pagination cursors).

import { display } from "../../vm/display.ts";
import { Closure, Dict, type Value } from "../../vm/values.ts";
import { isJsonObject, type JsonObject, type JsonValue, jsonToValue, valueToJson } from "../json.ts";
import { toolEntries, toolName } from "../tools/registry.ts";
import { MCP_PROTOCOL_VERSION } from "./client.ts";
import type { McpServeState } from "./serve.ts";
import {
  matchUriTemplate,
  mcpAnnotations,
  mcpInputSchema,
  promptMessages,
  toolResultContent,
} from "./server-content.ts";

/** Calls a Harn closure with arguments; rejects with the error to report. */
export type CallClosure = (fn: Closure, args: Value[]) => Promise<Value>;

interface ServedTool {
  readonly name: string;
  readonly entry: Dict;
  readonly handler: Closure;
}

function ok(id: JsonValue, result: JsonObject): JsonObject {
  return { jsonrpc: "2.0", id, result };
}

function fail(id: JsonValue, code: number, message: string): JsonObject {
  return { jsonrpc: "2.0", id, error: { code, message } };
}

function errorText(e: unknown): string {
  if (e instanceof Error && "display" in e && typeof e.display === "function") return e.display(display);
  return e instanceof Error ? e.message : String(e);
}

export class McpServerHandler {
  private readonly tools: ServedTool[];

  constructor(
    private readonly state: McpServeState,
    private readonly call: CallClosure,
    private readonly info: { readonly name: string; readonly version: string },
  ) {
    // Only tools with a Harn handler can be served; others are skipped.
    this.tools = toolEntries(state.registry ?? undefined).flatMap((entry) => {
      const handler = entry.map.get("handler");
      return handler instanceof Closure ? [{ name: toolName(entry), entry, handler }] : [];
    });
  }

  /** Handles one message; null for notifications (no id). */
  async handle(msg: JsonObject): Promise<JsonObject | null> {
    if (!("id" in msg)) return null;
    const id = msg.id ?? null;
    const method = typeof msg.method === "string" ? msg.method : "";
    const params = isJsonObject(msg.params) ? msg.params : {};
    switch (method) {
      case "initialize":
        return ok(id, this.initialize());
      case "ping":
      case "logging/setLevel":
        return ok(id, {});
      case "tools/list":
        return ok(id, { tools: this.tools.map((t) => this.describeTool(t)) });
      case "tools/call":
        return this.callTool(id, params);
      case "resources/list":
        return ok(id, {
          resources: this.state.resources.map((r) => withOptional({ uri: r.uri, name: r.name }, r)),
        });
      case "resources/templates/list":
        return ok(id, {
          resourceTemplates: this.state.resourceTemplates.map((t) =>
            withOptional({ uriTemplate: t.uriTemplate, name: t.name }, t),
          ),
        });
      case "resources/read":
        return this.readResource(id, typeof params.uri === "string" ? params.uri : "");
      case "prompts/list":
        return ok(id, { prompts: this.state.prompts.map((p) => this.describePrompt(p)) });
      case "prompts/get":
        return this.getPrompt(id, params);
      default:
        return fail(id, -32601, `Method not found: ${method}`);
    }
  }

  private initialize(): JsonObject {
    const capabilities: JsonObject = {};
    if (this.tools.length > 0) capabilities.tools = { listChanged: true };
    if (this.state.resources.length > 0 || this.state.resourceTemplates.length > 0) {
      capabilities.resources = { listChanged: true };
    }
    if (this.state.prompts.length > 0) capabilities.prompts = { listChanged: true };
    capabilities.logging = {};
    return { protocolVersion: MCP_PROTOCOL_VERSION, capabilities, serverInfo: { ...this.info } };
  }

  private describeTool(t: ServedTool): JsonObject {
    const out: JsonObject = {
      name: t.name,
      description: t.entry.map.has("description") ? display(t.entry.get("description")) : "",
      inputSchema: mcpInputSchema(t.entry.map.get("parameters")),
    };
    if (t.entry.map.has("title")) out.title = display(t.entry.get("title"));
    const output = t.entry.map.get("output_schema");
    if (output instanceof Dict) out.outputSchema = valueToJson(output);
    const annotations = mcpAnnotations(t.entry.map.get("annotations"));
    if (annotations !== null) out.annotations = annotations;
    return out;
  }

  private async callTool(id: JsonValue, params: JsonObject): Promise<JsonObject> {
    const name = typeof params.name === "string" ? params.name : "";
    const tool = this.tools.find((t) => t.name === name);
    if (tool === undefined) return fail(id, -32602, `Unknown tool: ${name}`);
    try {
      const value = await this.call(tool.handler, [jsonToValue(params.arguments ?? {})]);
      const result: JsonObject = { content: toolResultContent(value), isError: false };
      if (tool.entry.map.get("output_schema") instanceof Dict) {
        const text = display(value);
        try {
          result.structuredContent = JSON.parse(text) as JsonValue;
        } catch {
          result.structuredContent = text;
        }
      }
      return ok(id, result);
    } catch (e) {
      return ok(id, { content: [{ type: "text", text: errorText(e) }], isError: true });
    }
  }

  private async readResource(id: JsonValue, uri: string): Promise<JsonObject> {
    const r = this.state.resources.find((x) => x.uri === uri);
    if (r !== undefined) {
      const content: JsonObject = { uri: r.uri, text: r.text };
      if (r.mimeType !== null) content.mimeType = r.mimeType;
      return ok(id, { contents: [content] });
    }
    for (const t of this.state.resourceTemplates) {
      const vars = matchUriTemplate(t.uriTemplate, uri);
      if (vars === null) continue;
      try {
        const value = await this.call(t.handler, [jsonToValue(vars)]);
        const content: JsonObject = { uri, text: display(value) };
        if (t.mimeType !== null) content.mimeType = t.mimeType;
        return ok(id, { contents: [content] });
      } catch (e) {
        return fail(id, -32603, errorText(e));
      }
    }
    return fail(id, -32002, `Resource not found: ${uri}`);
  }

  private describePrompt(p: McpServeState["prompts"][number]): JsonObject {
    const out = withOptional({ name: p.name }, { ...p, mimeType: null });
    if (p.arguments !== null) {
      out.arguments = p.arguments.map((a) => {
        const arg: JsonObject = { name: a.name, required: a.required };
        if (a.description !== null) arg.description = a.description;
        return arg;
      });
    }
    return out;
  }

  private async getPrompt(id: JsonValue, params: JsonObject): Promise<JsonObject> {
    const name = typeof params.name === "string" ? params.name : "";
    const prompt = this.state.prompts.find((p) => p.name === name);
    if (prompt === undefined) return fail(id, -32602, `Unknown prompt: ${name}`);
    try {
      const value = await this.call(prompt.handler, [jsonToValue(params.arguments ?? {})]);
      return ok(id, { messages: promptMessages(value) });
    } catch (e) {
      return fail(id, -32603, errorText(e));
    }
  }
}

/** Adds `title`, `description` and `mimeType` when set. */
function withOptional(
  base: JsonObject,
  d: { readonly title: string | null; readonly description: string | null; readonly mimeType: string | null },
): JsonObject {
  if (d.title !== null) base.title = d.title;
  if (d.description !== null) base.description = d.description;
  if (d.mimeType !== null) base.mimeType = d.mimeType;
  return base;
}
