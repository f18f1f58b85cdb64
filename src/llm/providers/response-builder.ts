// Assembles an `LlmResponse` from the pieces a provider reply delivers —
// whole (a JSON body) or in fragments (a stream). Text and reasoning
// fragments that arrive back to back are merged into one canonical block
// (`output_text` public, `reasoning` private), so a streamed reply has the
// same blocks as the same reply unstreamed; tool calls become `tool_call`
// blocks (internal) in the order they completed.

import type { JsonObject, JsonValue } from "../json.ts";
import type { LlmResponse, ToolCall, Usage } from "../provider.ts";

export class ResponseBuilder {
  text = "";
  thinking = "";
  readonly toolCalls: ToolCall[] = [];
  readonly blocks: JsonObject[] = [];
  /** Blocks before this index take no more fragments. */
  private sealed = 0;

  appendText(fragment: string): void {
    if (fragment === "") return;
    this.text += fragment;
    this.appendBlock("output_text", "public", fragment);
  }

  appendThinking(fragment: string): void {
    if (fragment === "") return;
    this.thinking += fragment;
    this.appendBlock("reasoning", "private", fragment);
  }

  /** Attaches a provider signature to the reasoning just appended (Anthropic needs it to replay thinking). */
  signReasoning(signature: string): void {
    const last = this.blocks.at(-1);
    if (last?.type === "reasoning" && signature !== "") last.signature = signature;
  }

  /** Ends the current block, so the next fragment starts a new one (a stream's block boundary). */
  closeBlock(): void {
    this.sealed = this.blocks.length;
  }

  addToolCall(id: string, name: string, args: JsonValue): void {
    this.toolCalls.push({ id, name, arguments: args });
    this.blocks.push({ type: "tool_call", id, name, arguments: args, visibility: "internal" });
  }

  /** A block with no text/tool meaning (server-side tool search records, summaries). */
  addBlock(block: JsonObject): void {
    this.blocks.push(block);
  }

  /**
   * The response. When a reply carried only reasoning (some local servers
   * put the whole answer there) the reasoning doubles as the text, as the
   * reference does, so callers never see an empty answer for a real reply.
   */
  build(fields: {
    provider: string;
    model: string;
    usage: Usage;
    stopReason: string | null;
    thinkingSummary?: string | null;
  }): LlmResponse {
    if (this.text === "" && this.thinking !== "" && this.toolCalls.length === 0) {
      this.text = this.thinking;
      this.blocks.push({ type: "output_text", text: this.thinking, visibility: "public" });
    }
    return {
      text: this.text,
      toolCalls: this.toolCalls,
      usage: fields.usage,
      model: fields.model,
      provider: fields.provider,
      thinking: this.thinking === "" ? null : this.thinking,
      thinkingSummary: fields.thinkingSummary ?? null,
      stopReason: fields.stopReason,
      blocks: this.blocks,
    };
  }

  private appendBlock(type: string, visibility: string, fragment: string): void {
    const last = this.blocks.at(-1);
    if (last?.type === type && typeof last.text === "string" && this.blocks.length > this.sealed) {
      last.text += fragment;
      return;
    }
    this.blocks.push({ type, text: fragment, visibility });
  }
}
