// Installs the data builtins: JSON and jq, regular expressions, encodings,
// bytes, hashing and signatures, UUIDs, CSV, YAML/TOML, URLs, cookies,
// multipart forms and compression.

import type { Vm } from "../../vm/vm.ts";
import type { StdlibHost } from "../host-api.ts";
import { registerBytes } from "./bytes.ts";
import type { CompressionProvider } from "./compression-api.ts";
import { registerCompression } from "./compression.ts";
import type { CryptoProvider } from "./crypto-api.ts";
import { registerHashing } from "./hashing.ts";
import { registerCookies } from "./cookies.ts";
import { registerCsv } from "./csv.ts";
import { registerJson } from "./json.ts";
import { registerJunit } from "./junit.ts";
import { registerMultipart } from "./multipart.ts";
import { registerMultipartBuilder } from "./multipart-build.ts";
import { registerRegex } from "./regex.ts";
import { registerSignatures } from "./signatures.ts";
import { registerSignedUrls } from "./signed-url.ts";
import { registerTextEncodings } from "./text-encodings.ts";
import { registerUrl } from "./url.ts";
import { registerUuid } from "./uuid.ts";
import { registerYamlToml } from "./yaml-toml.ts";

/** Host capabilities the data builtins use when present (src/host/crypto-host.ts has the Node ones). */
export interface DataProviders {
  /** Ed25519, X25519 and JWT ES256/RS256. */
  readonly crypto?: CryptoProvider;
  /** gzip, raw DEFLATE (zip) and Brotli. */
  readonly compression?: CompressionProvider;
}

/**
 * Registers the data builtins. Builtins whose provider is missing are still
 * defined and fail with a clear message when called.
 */
export function registerDataStdlib(vm: Vm, host: StdlibHost, providers: DataProviders = {}): void {
  registerJson(vm);
  registerRegex(vm);
  registerTextEncodings(vm);
  registerBytes(vm);
  registerHashing(vm);
  registerUuid(vm);
  registerSignatures(vm, providers.crypto);
  registerCsv(vm);
  registerJunit(vm);
  registerYamlToml(vm);
  registerUrl(vm);
  registerSignedUrls(vm);
  registerCookies(vm, () => host.now());
  registerMultipart(vm);
  registerMultipartBuilder(vm);
  registerCompression(vm, providers.compression);
}
