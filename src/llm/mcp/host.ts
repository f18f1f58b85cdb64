// What the MCP layer needs from its host: starting a server process and
// talking to it over newline-delimited stdio, and an HTTP transport for
// servers reached by URL (`transport: "http"`). The Node implementation is
// src/host/mcp-host.ts; embedders and tests may supply their own (an
// in-process server, say).

import type { Transport } from "../transport/types.ts";
import type { LineTransport } from "./client.ts";

export interface McpStdioSpec {
  readonly command: string;
  readonly args: readonly string[];
  /** Extra environment variables for the server (on top of the host's). */
  readonly env: ReadonlyMap<string, string>;
}

export interface McpHost {
  /** Starts `spec` and resolves once it is running; rejects with the spawn error's text. */
  spawnStdio(spec: McpStdioSpec): Promise<LineTransport>;
  /** The network for HTTP servers; absent where the host offers none. */
  readonly http?: Transport;
}

/** A host that cannot start processes (browsers, sandboxes). */
export const NO_MCP_HOST: McpHost = {
  spawnStdio: () => Promise.reject(new Error("starting processes is not supported here")),
};
