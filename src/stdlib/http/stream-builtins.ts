// Streaming downloads: `http_stream_open` returns a handle whose body is
// read piecewise with `http_stream_read(handle, max_bytes)` (bytes, or nil
// at the end), `http_stream_info` gives status and headers, and
// `http_download(url, path)` writes a whole body to a file. Mocks answer
// before the network is consulted, so a mocked URL needs no egress rule.

import { TransportError } from "../../llm/transport/errors.ts";
import { cancellable } from "../../vm/scheduler.ts";
import { type BuiltinContext, BytesValue, Dict, type Value } from "../../vm/values.ts";
import type { Vm } from "../../vm/vm.ts";
import {
  consumeMock,
  headersDict,
  isHttpUrl,
  prepareRequest,
  type PreparedRequest,
  sessionOptions,
  transportRequest,
} from "./client.ts";
import { writeDownload } from "./http-files.ts";
import { type HttpRuntime, type HttpStream, MAX_HTTP_STREAMS } from "./http-runtime.ts";
import { requireNetwork } from "./network-policy.ts";
import { fail, handleId, optionsArg, textAt } from "./options.ts";

const DEFAULT_READ_BYTES = 1024 * 1024;

function methodOf(options: Dict): string {
  const m = options.map.get("method");
  const text = m === undefined || m === null ? "" : String(m);
  return text === "" ? "GET" : text.toUpperCase();
}

function statusOk(status: number): boolean {
  return status >= 200 && status < 300;
}

/** Sends a prepared request for real; failures become `<builtin>: request failed: ...`. */
async function sendReal(rt: HttpRuntime, req: PreparedRequest, builtin: string, signal: AbortSignal) {
  try {
    return await rt.transport.send(transportRequest(req, signal, rt));
  } catch (e) {
    if (e instanceof TransportError) throw fail(`${builtin}: request failed: ${e.message}`);
    throw e;
  }
}

function prepare(
  rt: HttpRuntime,
  ctx: BuiltinContext,
  url: string,
  raw: Dict,
  builtin: string,
): PreparedRequest {
  const options = sessionOptions(rt, raw, builtin);
  return prepareRequest(rt, ctx, methodOf(options), url, options, builtin);
}

function checkReal(rt: HttpRuntime, req: PreparedRequest, url: string, builtin: string): void {
  if (!isHttpUrl(req.url)) throw fail(`${builtin}: URL must start with http:// or https://, got '${url}'`);
  rt.egress.enforce(builtin, req.url);
}

function addStream(rt: HttpRuntime, stream: HttpStream): string {
  if (rt.streams.size >= MAX_HTTP_STREAMS) {
    stream.cancel?.();
    throw fail(`http_stream_open: maximum open streams (${MAX_HTTP_STREAMS}) reached`);
  }
  const id = rt.handles.make("http-stream");
  rt.streams.set(id, stream);
  return id;
}

function openStream(
  rt: HttpRuntime,
  ctx: BuiltinContext,
  url: string,
  options: Dict,
): Value | Promise<Value> {
  const req = prepare(rt, ctx, url, options, "http_stream_open");
  const mock = consumeMock(rt, req);
  if (mock) {
    return addStream(rt, {
      status: mock.status,
      headers: mock.headers,
      pending: new TextEncoder().encode(mock.body),
      closed: false,
    });
  }
  checkReal(rt, req, url, "http_stream_open");
  const controller = new AbortController();
  const opened = sendReal(rt, req, "http_stream_open", controller.signal).then((response) => {
    const iterator = response.chunks()[Symbol.asyncIterator]();
    return addStream(rt, {
      status: response.status,
      headers: headersDict(response.headers),
      pending: new Uint8Array(0),
      next: async () => {
        const step = await iterator.next();
        return step.done ? undefined : step.value;
      },
      cancel: () => response.cancel(),
      closed: false,
    });
  });
  return cancellable(opened, () => controller.abort());
}

async function readStream(stream: HttpStream, maxBytes: number): Promise<Value> {
  if (stream.closed) return null;
  if (stream.pending.length === 0 && stream.next) {
    try {
      stream.pending = (await stream.next()) ?? new Uint8Array(0);
    } catch (e) {
      throw fail(
        `http_stream_read: failed to read response body: ${e instanceof Error ? e.message : String(e)}`,
      );
    }
  }
  if (stream.pending.length === 0) {
    stream.closed = true;
    return null;
  }
  const take = Math.min(stream.pending.length, Math.max(maxBytes, 1));
  const chunk = stream.pending.slice(0, take);
  stream.pending = stream.pending.slice(take);
  return new BytesValue(chunk);
}

function download(
  rt: HttpRuntime,
  ctx: BuiltinContext,
  url: string,
  dst: string,
  options: Dict,
): Value | Promise<Value> {
  const req = prepare(rt, ctx, url, options, "http_download");
  const result = (status: number, headers: Dict, written: number): Value =>
    Dict.of({ status, headers, bytes_written: written, ok: statusOk(status) });
  const mock = consumeMock(rt, req);
  if (mock) {
    const bytes = new TextEncoder().encode(mock.body);
    writeDownload(ctx, rt.system, dst, bytes);
    return result(mock.status, mock.headers, bytes.length);
  }
  checkReal(rt, req, url, "http_download");
  const controller = new AbortController();
  const done = (async () => {
    const response = await sendReal(rt, req, "http_download", controller.signal);
    let bytes: Uint8Array;
    try {
      bytes = await response.bytes();
    } catch (e) {
      throw fail(
        `http_download: failed to read response body: ${e instanceof Error ? e.message : String(e)}`,
      );
    }
    writeDownload(ctx, rt.system, dst, bytes);
    return result(response.status, headersDict(response.headers), bytes.length);
  })();
  return cancellable(done, () => controller.abort());
}

export function registerHttpStreams(vm: Vm, rt: HttpRuntime): void {
  vm.registerBuiltin("http_stream_open", (args, ctx) => {
    requireNetwork(ctx, "http_stream_open");
    const url = textAt(args, 0);
    if (url === "") throw fail("http_stream_open: URL is required");
    return openStream(rt, ctx, url, optionsArg(args, 1));
  });

  vm.registerBuiltin("http_stream_read", (args, ctx) => {
    requireNetwork(ctx, "http_stream_read");
    if (args.length === 0) throw fail("http_stream_read: requires a stream handle");
    const id = handleId(args[0], "http_stream_read");
    const stream = rt.streams.get(id);
    if (stream === undefined) throw fail(`http_stream_read: unknown stream '${id}'`);
    const max = typeof args[1] === "number" ? args[1] : DEFAULT_READ_BYTES;
    return readStream(stream, max);
  });

  vm.registerBuiltin("http_stream_info", (args, ctx) => {
    requireNetwork(ctx, "http_stream_info");
    if (args.length === 0) throw fail("http_stream_info: requires a stream handle");
    const id = handleId(args[0], "http_stream_info");
    const stream = rt.streams.get(id);
    if (stream === undefined) throw fail(`http_stream_info: unknown stream '${id}'`);
    return Dict.of({ status: stream.status, headers: stream.headers, ok: statusOk(stream.status) });
  });

  vm.registerBuiltin("http_stream_close", (args, ctx) => {
    requireNetwork(ctx, "http_stream_close");
    if (args.length === 0) throw fail("http_stream_close: requires a stream handle");
    const id = handleId(args[0], "http_stream_close");
    const stream = rt.streams.get(id);
    stream?.cancel?.();
    return rt.streams.delete(id);
  });

  vm.registerBuiltin("http_download", (args, ctx) => {
    requireNetwork(ctx, "http_download");
    const url = textAt(args, 0);
    if (url === "") throw fail("http_download: URL is required");
    const dst = textAt(args, 1);
    if (dst === "") throw fail("http_download: destination path is required");
    return download(rt, ctx, url, dst, optionsArg(args, 2));
  });
}
