// WebSocket servers on real sockets: `websocket_server(bind, options)`
// listens (port 0 picks a free port; the handle carries `url`),
// `websocket_route(server, path, options)` opens a path (optional bearer
// auth, message limits, send buffer size, idle timeout),
// `websocket_accept(server, timeout_ms)` hands out the next connection as
// `{id, path, peer, headers}`, and `websocket_server_close` stops it.
// Unknown paths get 404 and failed auth 401 before the upgrade.

import { display } from "../../vm/display.ts";
import { cancellable } from "../../vm/scheduler.ts";
import { Dict, type Value } from "../../vm/values.ts";
import type { Vm } from "../../vm/vm.ts";
import { EventQueue } from "./event-queue.ts";
import type { WsConnection, WsEvent, WsUpgradeDecision, WsUpgradeRequest } from "./host.ts";
import type { HttpRuntime } from "./http-runtime.ts";
import { requireNetwork } from "./network-policy.ts";
import { fail, handleId, intOption, optionsArg, textAt } from "./options.ts";
import {
  type AcceptedSocket,
  DEFAULT_MAX_MESSAGE_BYTES,
  DEFAULT_MAX_STREAM_EVENTS,
  limitOption,
  receiveTimeout,
  type TransportState,
  type WsMessage,
  type WsRoute,
  type WsServerEntry,
} from "./transport-state.ts";
import { addSocket } from "./websocket-client.ts";
import { eventMessage } from "./websocket-messages.ts";

const MAX_WEBSOCKET_SERVERS = 16;
const DEFAULT_IDLE_TIMEOUT_MS = 30_000;
const DEFAULT_SEND_BUFFER = 64;

function routeFrom(path: string, options: Dict): WsRoute {
  const auth = options.map.get("auth");
  const bearerValue = auth instanceof Dict ? auth.map.get("bearer") : auth;
  const bearer = bearerValue === undefined || bearerValue === null ? "" : display(bearerValue);
  return {
    path,
    ...(bearer !== "" && { bearer }),
    maxMessages: limitOption(options, "max_messages", DEFAULT_MAX_STREAM_EVENTS),
    maxMessageBytes: limitOption(options, "max_message_bytes", DEFAULT_MAX_MESSAGE_BYTES),
    sendBufferMessages: Math.max(intOption(options, "send_buffer_messages") ?? DEFAULT_SEND_BUFFER, 0),
    idleTimeoutMs: Math.max(intOption(options, "idle_timeout_ms") ?? DEFAULT_IDLE_TIMEOUT_MS, 0),
  };
}

/** Events of one accepted connection go to its inbox; silence past the idle timeout closes it (1001). */
function connectionListener(
  connection: WsConnection,
  route: WsRoute,
  inbox: EventQueue<WsMessage>,
): (ev: WsEvent) => void {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const arm = (): void => {
    if (route.idleTimeoutMs === 0) return;
    if (timer !== undefined) clearTimeout(timer);
    timer = setTimeout(() => {
      connection.close(1001, "idle timeout");
      inbox.push({ type: "close", data: new Uint8Array(0), code: 1001, reason: "idle timeout" });
    }, route.idleTimeoutMs);
    // An idle connection must not keep a finished program alive.
    (timer as { unref?: () => void }).unref?.();
  };
  arm();
  return (ev: WsEvent): void => {
    const m = eventMessage(ev);
    if (m === undefined) return;
    if (m.type === "close" && timer !== undefined) clearTimeout(timer);
    else arm();
    inbox.push(m);
  };
}

export function registerWebSocketServer(vm: Vm, rt: HttpRuntime, state: TransportState): void {
  const serverOf = (args: readonly Value[], builtin: string): [string, WsServerEntry] => {
    const id = handleId(args[0], builtin);
    const entry = state.servers.get(id);
    if (entry === undefined) throw fail(`${builtin}: unknown server '${id}'`);
    return [id, entry];
  };

  const decide =
    (routes: Map<string, WsRoute>, accepted: EventQueue<AcceptedSocket>) =>
    (req: WsUpgradeRequest): WsUpgradeDecision => {
      const route = routes.get(req.path);
      if (route === undefined) return { reject: { status: 404, message: "websocket route not found" } };
      if (route.bearer !== undefined && req.headers.get("authorization") !== `Bearer ${route.bearer}`) {
        return { reject: { status: 401, message: "websocket route unauthorized" } };
      }
      return {
        open: (connection) => {
          const inbox = new EventQueue<WsMessage>();
          accepted.push({ connection, inbox, route, peer: req.peer, headers: req.headers });
          return connectionListener(connection, route, inbox);
        },
      };
    };

  vm.registerBuiltin("websocket_server", (args, ctx) => {
    requireNetwork(ctx, "websocket_server");
    const bind = textAt(args, 0) || "127.0.0.1:0";
    const options = optionsArg(args, 1);
    if (state.servers.size >= MAX_WEBSOCKET_SERVERS) {
      throw fail(`websocket_server: maximum open servers (${MAX_WEBSOCKET_SERVERS}) reached`);
    }
    const routes = new Map<string, WsRoute>();
    const rawPath = options.map.get("path");
    const path = rawPath === undefined || rawPath === null ? "" : display(rawPath);
    if (path !== "") {
      if (!path.startsWith("/")) throw fail("websocket_server: path must start with '/'");
      routes.set(path, routeFrom(path, options));
    }
    const accepted = new EventQueue<AcceptedSocket>();
    return rt.host.listenWebSocket(bind, decide(routes, accepted)).then(
      (server) => {
        const id = state.handles.make("websocket-server");
        state.servers.set(id, { server, routes, accepted });
        return Dict.of({ id, addr: server.address, url: `ws://${server.address}` });
      },
      (e: unknown) => {
        throw fail(`websocket_server: bind failed: ${e instanceof Error ? e.message : String(e)}`);
      },
    );
  });

  vm.registerBuiltin("websocket_route", (args, ctx) => {
    requireNetwork(ctx, "websocket_route");
    if (args.length < 2) throw fail("websocket_route: requires server handle and route path");
    const [, entry] = serverOf(args, "websocket_route");
    const path = textAt(args, 1);
    if (!path.startsWith("/")) throw fail("websocket_route: path must start with '/'");
    entry.routes.set(path, routeFrom(path, optionsArg(args, 2)));
    return true;
  });

  vm.registerBuiltin("websocket_accept", (args, ctx) => {
    requireNetwork(ctx, "websocket_accept");
    if (args.length === 0) throw fail("websocket_accept: requires a server handle");
    const [, entry] = serverOf(args, "websocket_accept");
    const register = (next: AcceptedSocket | "timeout"): Value => {
      if (next === "timeout") return Dict.of({ type: "timeout" });
      const { connection, inbox, route } = next;
      const id = addSocket(
        state,
        {
          url: route.path,
          maxMessages: route.maxMessages,
          maxMessageBytes: route.maxMessageBytes,
          sendBuffer: route.sendBufferMessages,
          received: 0,
          closed: false,
          socket: { kind: "server", connection, inbox },
        },
        "websocket_accept",
      );
      return Dict.of({
        id,
        path: route.path,
        peer: next.peer,
        headers: new Dict(new Map<string, Value>(next.headers)),
      });
    };
    let cancel: (() => void) | undefined;
    const next = entry.accepted.next(receiveTimeout(args[1]), (c) => {
      cancel = c;
    });
    if (!(next instanceof Promise)) return register(next);
    return cancellable(next.then(register), () => cancel?.());
  });

  vm.registerBuiltin("websocket_server_close", (args) => {
    if (args.length === 0) throw fail("websocket_server_close: requires a server handle");
    const id = handleId(args[0], "websocket_server_close");
    const entry = state.servers.get(id);
    if (entry === undefined) return false;
    state.servers.delete(id);
    entry.server.close();
    return true;
  });
}
