// TLS settings for servers: `http_server_tls_plain()`, `_edge(options)`
// (TLS terminated by a proxy in front, so HSTS is on by default),
// `_pem(cert_path, key_path)` and `_self_signed_dev(hosts)`, plus
// `http_server_security_headers(config)`, which yields the
// Strict-Transport-Security header when the config enables HSTS.

import { display } from "../../vm/display.ts";
import { Dict, type Value } from "../../vm/values.ts";
import type { Vm } from "../../vm/vm.ts";
import type { SystemHost } from "../system/host.ts";
import { resolveFsPath } from "../system/locations.ts";
import type { HttpHost } from "./host.ts";
import { boolOption, fail, intOption, optionsArg, textAt } from "./options.ts";

const DEFAULT_HSTS_MAX_AGE = 31_536_000;

function config(
  mode: string,
  terminate: boolean,
  scheme: string,
  hsts: boolean,
  extra: Record<string, Value>,
): Dict {
  return Dict.of({ mode, terminate_tls: terminate, scheme, hsts, ...extra });
}

function hstsOptions(options: Dict): Record<string, Value> {
  return {
    hsts_max_age_seconds: intOption(options, "hsts_max_age_seconds") ?? DEFAULT_HSTS_MAX_AGE,
    hsts_include_subdomains: boolOption(options, "hsts_include_subdomains", false),
    hsts_preload: boolOption(options, "hsts_preload", false),
  };
}

function hostsArg(v: Value | undefined): string[] {
  const builtin = "http_server_tls_self_signed_dev";
  if (v === undefined || v === null) return ["localhost", "127.0.0.1"];
  if (Array.isArray(v)) {
    const hosts = v.map(display);
    if (hosts.some((h) => h === "")) throw fail(`${builtin}: host names must be non-empty`);
    if (hosts.length === 0) throw fail(`${builtin}: host list must not be empty`);
    return hosts;
  }
  const host = display(v);
  if (host === "") throw fail(`${builtin}: host name must be non-empty`);
  return [host];
}

function securityHeaders(c: Dict): Dict {
  if (!boolOption(c, "hsts", false)) return new Dict();
  let value = `max-age=${Math.max(intOption(c, "hsts_max_age_seconds") ?? DEFAULT_HSTS_MAX_AGE, 0)}`;
  if (boolOption(c, "hsts_include_subdomains", false)) value += "; includeSubDomains";
  if (boolOption(c, "hsts_preload", false)) value += "; preload";
  return Dict.of({ "strict-transport-security": value });
}

export function registerTlsConfig(vm: Vm, host: HttpHost, system: SystemHost): void {
  vm.registerBuiltin("http_server_tls_plain", () => config("plain", false, "http", false, {}));
  vm.registerBuiltin("http_server_tls_edge", (args) => {
    const options = optionsArg(args, 0);
    return config("edge", false, "https", boolOption(options, "hsts", true), hstsOptions(options));
  });
  vm.registerBuiltin("http_server_tls_pem", (args, ctx) => {
    if (args.length < 2) throw fail("http_server_tls_pem: requires cert path and key path");
    const certPath = textAt(args, 0);
    const keyPath = textAt(args, 1);
    const isFile = (p: string): boolean => {
      try {
        return system.stat(resolveFsPath(ctx, system, p)).isFile;
      } catch {
        return false;
      }
    };
    if (!isFile(certPath)) throw fail(`http_server_tls_pem: certificate not found: ${certPath}`);
    if (!isFile(keyPath)) throw fail(`http_server_tls_pem: private key not found: ${keyPath}`);
    return config("pem", true, "https", true, { cert_path: certPath, key_path: keyPath });
  });
  vm.registerBuiltin("http_server_tls_self_signed_dev", (args) => {
    const hosts = hostsArg(args[0]);
    let pem: { certPem: string; keyPem: string };
    try {
      pem = host.selfSignedCertificate(hosts);
    } catch (e) {
      throw fail(
        `http_server_tls_self_signed_dev: failed to generate certificate: ${e instanceof Error ? e.message : String(e)}`,
      );
    }
    return config("self_signed_dev", true, "https", false, {
      hosts,
      cert_pem: pem.certPem,
      key_pem: pem.keyPem,
    });
  });
  vm.registerBuiltin("http_server_security_headers", (args) => {
    const c = args[0];
    if (!(c instanceof Dict)) throw fail("http_server_security_headers: requires a TLS config dict");
    return securityHeaders(c);
  });
}
