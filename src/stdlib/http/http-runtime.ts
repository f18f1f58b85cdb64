// Per-run state of the HTTP client builtins: the mock registry, open
// sessions and streams, the egress guard and the handle counter. One
// instance per VM (created by registerHttpStdlib), so two runs in one
// process never see each other's mocks.

import type { Transport } from "../../llm/transport/types.ts";
import type { Dict } from "../../vm/values.ts";
import type { SystemHost } from "../system/host.ts";
import { EgressGuard } from "./egress.ts";
import type { HttpHost } from "./host.ts";
import { HttpMockRegistry } from "./mock-registry.ts";
import { HandleCounter } from "./options.ts";

export const MAX_HTTP_SESSIONS = 64;
export const MAX_HTTP_STREAMS = 64;

/** An open `http_stream_open` response: buffered bytes plus, for real requests, the rest of the body. */
export interface HttpStream {
  readonly status: number;
  readonly headers: Dict;
  pending: Uint8Array;
  /** Next chunk of a real response body; absent for mocked streams. */
  readonly next?: () => Promise<Uint8Array | undefined>;
  readonly cancel?: () => void;
  closed: boolean;
}

export class HttpRuntime {
  readonly mocks = new HttpMockRegistry();
  readonly sessions = new Map<string, Dict>();
  readonly streams = new Map<string, HttpStream>();
  readonly handles = new HandleCounter();
  readonly egress: EgressGuard;

  constructor(
    readonly host: HttpHost,
    readonly system: SystemHost,
  ) {
    this.egress = new EgressGuard((name) => system.env(name));
  }

  get transport(): Transport {
    return this.host.transport;
  }

  closeStreams(): void {
    for (const s of this.streams.values()) s.cancel?.();
    this.streams.clear();
  }
}
