// Declared MCP servers (from harn.toml `[[mcp]]`) and their live clients,
// per VM (spec: "MCP: lazy registry"). Lazy servers start on the first
// `mcp_ensure_active`; each ensure counts a binder and `mcp_release`
// uncounts one, disconnecting at zero unless a keep-alive window is set.
// Eagerly started servers are pinned: releasing them does nothing.

import type { Vm } from "../../vm/vm.ts";
import type { McpClient } from "./client.ts";

export interface RegisteredMcpServer {
  readonly name: string;
  /** The server spec (`{command, args, env}` for stdio servers). */
  readonly spec: McpServerSpec;
  readonly lazy: boolean;
  /** Server card source (URL or path), if declared. */
  readonly card: string | null;
  /** Keep the connection this long after the last release (0: disconnect at once). */
  readonly keepAliveMs: number;
}

export interface McpServerSpec {
  readonly name: string;
  /** "stdio" (default) or "http". */
  readonly transport?: string;
  readonly command: string;
  readonly args: readonly string[];
  readonly env: ReadonlyMap<string, string>;
  /** The endpoint of an HTTP server. */
  readonly url?: string;
  /** Bearer token for an HTTP server. */
  readonly authToken?: string | null;
  /** Protocol version to request from an HTTP server (default: the client's). */
  readonly protocolVersion?: string | null;
}

interface Active {
  readonly client: McpClient;
  /** null for pinned (eager) connections. */
  refs: number | null;
  releasedAt: number | null;
}

export interface McpServerStatus {
  readonly name: string;
  readonly lazy: boolean;
  readonly active: boolean;
  readonly refCount: number;
  readonly card: string | null;
}

export class McpServerRegistry {
  private readonly servers = new Map<string, RegisteredMcpServer>();
  private readonly active = new Map<string, Active>();

  register(servers: readonly RegisteredMcpServer[]): void {
    for (const s of servers) this.servers.set(s.name, s);
  }

  registration(name: string): RegisteredMcpServer | undefined {
    return this.servers.get(name);
  }

  /** The live client of `name`, without counting a binder (null when not connected). */
  activeClient(name: string): McpClient | null {
    return this.active.get(name)?.client ?? null;
  }

  /** A pre-connected client for an eagerly started server. */
  installActive(name: string, client: McpClient): void {
    this.active.set(name, { client, refs: null, releasedAt: null });
  }

  /** The live client for `name`, connecting with `connect` when needed; counts one binder. */
  async ensureActive(name: string, connect: (spec: McpServerSpec) => Promise<McpClient>): Promise<McpClient> {
    const existing = this.active.get(name);
    if (existing) return this.bind(existing);
    const reg = this.servers.get(name);
    if (reg === undefined) throw new Error(`mcp: no server named '${name}' is registered (check harn.toml)`);
    const client = await connect(reg.spec);
    // Another task may have connected meanwhile: keep the incumbent.
    const raced = this.active.get(name);
    if (raced) {
      client.disconnect();
      return this.bind(raced);
    }
    const entry: Active = { client, refs: 0, releasedAt: null };
    this.active.set(name, entry);
    return this.bind(entry);
  }

  private bind(a: Active): McpClient {
    if (a.refs !== null) a.refs++;
    a.releasedAt = null;
    return a.client;
  }

  /** Uncounts a binder; unknown names are ignored. */
  release(name: string, now: number): void {
    const a = this.active.get(name);
    if (a === undefined || a.refs === null) return;
    if (a.refs > 1) {
      a.refs--;
      return;
    }
    a.refs = 0;
    a.releasedAt = now;
    if ((this.servers.get(name)?.keepAliveMs ?? 0) === 0) this.drop(name);
  }

  /** Disconnects released servers whose keep-alive window has passed. */
  sweep(now: number): void {
    for (const [name, a] of this.active) {
      const keep = this.servers.get(name)?.keepAliveMs ?? 0;
      if (a.refs === 0 && a.releasedAt !== null && now - a.releasedAt >= keep) this.drop(name);
    }
  }

  private drop(name: string): void {
    this.active.get(name)?.client.disconnect();
    this.active.delete(name);
  }

  status(): McpServerStatus[] {
    return [...this.servers.keys()].sort().map((name) => {
      const s = this.servers.get(name)!;
      const a = this.active.get(name);
      return {
        name,
        lazy: s.lazy,
        active: a !== undefined,
        refCount: a === undefined ? 0 : (a.refs ?? Number.MAX_SAFE_INTEGER),
        card: s.card,
      };
    });
  }
}

const registries = new WeakMap<Vm, McpServerRegistry>();

export function mcpRegistryOf(vm: Vm): McpServerRegistry {
  let r = registries.get(vm);
  if (!r) {
    r = new McpServerRegistry();
    registries.set(vm, r);
  }
  return r;
}
