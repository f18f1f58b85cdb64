// The network part of the standard library: HTTP client builtins with
// mocks and retries, streaming downloads, the egress policy, in-process
// HTTP/SSE/WebSocket servers, transport mocks, `host_call` with its mock
// registry, the Postgres mock, and the outbound connectors
// (`connector_call`, in ../connectors). Everything reaches the machine
// through an HttpHost and a SystemHost, so this folder never touches node:*.

import { Dict } from "../../vm/values.ts";
import { registerConnectors } from "../connectors/index.ts";
import type { Vm } from "../../vm/vm.ts";
import type { SystemHost } from "../system/host.ts";
import { registerHttpClient } from "./client-builtins.ts";
import { registerHostCall } from "./host-call.ts";
import type { HttpHost } from "./host.ts";
import { HttpRuntime } from "./http-runtime.ts";
import { registerHttpServer } from "./http-server.ts";
import { fail } from "./options.ts";
import { registerPostgresMock } from "./postgres-mock.ts";
import { registerHttpStreams } from "./stream-builtins.ts";
import { registerSseClient } from "./sse-client.ts";
import { registerSseServer } from "./sse-server.ts";
import { registerTlsConfig } from "./tls-config.ts";
import { TransportState } from "./transport-state.ts";
import { registerWebSocketClient } from "./websocket-client.ts";
import { registerWebSocketServer } from "./websocket-server.ts";

/** Installs the network builtins backed by `host` (network) and `system` (files, env, processes). */
export function registerHttpStdlib(vm: Vm, host: HttpHost, system: SystemHost): void {
  const rt = new HttpRuntime(host, system);
  registerHttpClient(vm, rt);
  registerHttpStreams(vm, rt);
  registerHttpServer(vm, rt.handles);
  registerTlsConfig(vm, host, system);
  registerHostCall(vm, system);
  // Outbound connectors share this run's transport and egress policy.
  registerConnectors(vm, {
    transport: rt.transport,
    egress: (surface, url) => rt.egress.check(surface, url),
  });
  registerPostgresMock(vm, rt.handles);
  const transports = new TransportState(rt.handles);
  registerSseServer(vm, rt.handles);
  registerSseClient(vm, rt, transports);
  registerWebSocketClient(vm, rt, transports);
  registerWebSocketServer(vm, rt, transports);
  vm.registerBuiltin("transport_mock_clear", () => {
    rt.closeStreams();
    transports.clear();
    return null;
  });
  vm.registerBuiltin("transport_mock_calls", () => transports.callLog());
  vm.registerBuiltin("egress_policy", (args) => {
    const config = args[0];
    if (!(config instanceof Dict)) throw fail("egress_policy: requires a config dict");
    return rt.egress.install(config);
  });
}
