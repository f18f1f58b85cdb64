// The shell catalog behind `process.list_shells`, `get_default_shell`,
// `set_default_shell` and `shell_invocation`: shells named by
// HARN_DEFAULT_SHELL and SHELL, the user's login shell, /etc/shells, then
// the usual locations, each described once (by id). The default is the
// selected shell when it is available, else the first available one. An
// invocation is the shell's argv with the command appended (`sh -c CMD`,
// `-l -c` for login shells, `-i` first for interactive ones).

import { runtimeError } from "../../vm/errors.ts";
import { Dict, type Value } from "../../vm/values.ts";
import type { SystemHost } from "../system/host.ts";
import { pathBasename } from "../system/path-text.ts";

export interface ShellDescriptor {
  readonly id: string;
  readonly label: string;
  readonly path: string;
  readonly platform: string;
  readonly available: boolean;
  readonly supportsLogin: boolean;
  readonly supportsInteractive: boolean;
  readonly defaultArgs: readonly string[];
  readonly loginArgs: readonly string[];
  readonly source: string;
}

const LABELS: Record<string, string> = { pwsh: "PowerShell 7", powershell: "Windows PowerShell" };
const WINDOWS_SHELLS = new Set(["cmd", "pwsh", "powershell"]);
const FALLBACKS = ["/bin/zsh", "/bin/bash", "/bin/sh", "/usr/bin/zsh", "/usr/bin/bash", "/usr/bin/sh"];

function shellId(path: string): string {
  const name = pathBasename(path)
    .toLowerCase()
    .replace(/\.exe$/, "");
  if (name === "windowspowershell") return "powershell";
  return name === "" ? "shell" : name;
}

function defaultArgs(id: string): string[] {
  if (id === "cmd") return ["/C"];
  if (id === "pwsh" || id === "powershell") return ["-NoProfile", "-Command"];
  return ["-c"];
}

function loginArgs(id: string): string[] {
  return WINDOWS_SHELLS.has(id) ? defaultArgs(id) : ["-l", "-c"];
}

function strings(v: Value | undefined): string[] | undefined {
  return Array.isArray(v) && v.every((s) => typeof s === "string") ? (v as string[]) : undefined;
}

export class ShellCatalog {
  private selected: string | undefined;

  constructor(private readonly system: SystemHost) {}

  private isFile(path: string): boolean {
    try {
      return this.system.stat(path).isFile;
    } catch {
      return false;
    }
  }

  private available(path: string): boolean {
    if (path.includes("/") || path.includes("\\")) return this.isFile(path);
    const dirs = (this.system.env("PATH") ?? "").split(this.system.platform() === "windows" ? ";" : ":");
    return dirs.some((dir) => dir !== "" && this.isFile(`${dir}/${path}`));
  }

  describe(path: string, source: string, overrides: Partial<ShellDescriptor> = {}): ShellDescriptor {
    const id = overrides.id ?? shellId(path);
    return {
      id,
      label: overrides.label ?? LABELS[id] ?? id,
      path,
      platform: overrides.platform ?? this.system.platform(),
      available: overrides.available ?? this.available(path),
      supportsLogin: overrides.supportsLogin ?? !WINDOWS_SHELLS.has(id),
      supportsInteractive: overrides.supportsInteractive ?? !WINDOWS_SHELLS.has(id),
      defaultArgs: overrides.defaultArgs ?? defaultArgs(id),
      loginArgs: overrides.loginArgs ?? loginArgs(id),
      source,
    };
  }

  private readLines(path: string): string[] {
    try {
      return this.system.readText(path).split("\n");
    } catch {
      return [];
    }
  }

  private loginShell(): string | undefined {
    const user = this.system.env("USER") ?? this.system.env("LOGNAME");
    if (user === undefined) return undefined;
    for (const line of this.readLines("/etc/passwd")) {
      const fields = line.split(":");
      if (fields[0] !== user) continue;
      const shell = (fields[6] ?? "").trim();
      if (shell !== "" && !shell.endsWith("/false") && !shell.endsWith("/nologin")) return shell;
    }
    return undefined;
  }

  shells(): ShellDescriptor[] {
    const candidates: [string, string][] = [];
    const configured = this.system.env("HARN_DEFAULT_SHELL");
    if (configured !== undefined) candidates.push([configured, "configured"]);
    const env = this.system.env("SHELL");
    if (env !== undefined) candidates.push([env, "env"]);
    const login = this.loginShell();
    if (login !== undefined) candidates.push([login, "login"]);
    for (const line of this.readLines("/etc/shells")) {
      const t = line.trim();
      if (t.startsWith("/")) candidates.push([t, "etc_shells"]);
    }
    for (const p of FALLBACKS) candidates.push([p, "fallback"]);
    const out: ShellDescriptor[] = [];
    for (const [path, source] of candidates) {
      const shell = this.describe(path, source);
      if (!out.some((s) => s.id === shell.id)) out.push(shell);
    }
    return out;
  }

  defaultShellId(shells: readonly ShellDescriptor[]): string | undefined {
    if (this.selected !== undefined && shells.some((s) => s.id === this.selected && s.available))
      return this.selected;
    return (shells.find((s) => s.available) ?? shells[0])?.id;
  }

  defaultShell(): ShellDescriptor | undefined {
    const shells = this.shells();
    const id = this.defaultShellId(shells);
    return shells.find((s) => s.id === id) ?? shells[0];
  }

  select(id: string): ShellDescriptor {
    const shell = this.shells().find((s) => s.id === id && s.available);
    if (!shell)
      throw runtimeError(`process.set_default_shell: unknown or unavailable shell id ${JSON.stringify(id)}`);
    this.selected = shell.id;
    return shell;
  }

  byId(id: string): ShellDescriptor {
    const shell = this.shells().find((s) => s.id === id);
    if (!shell) throw new Error(`unknown shell id ${JSON.stringify(id)}`);
    return shell;
  }

  /** The shell a request names with `shell` (a descriptor dict or `{id}`) or `shell_id`. */
  resolve(params: Dict): ShellDescriptor {
    const shell = params.map.get("shell");
    if (shell instanceof Dict) {
      const path = shell.map.get("path");
      if (typeof path === "string") {
        const text = (k: string): string | undefined => {
          const v = shell.map.get(k);
          return typeof v === "string" ? v : undefined;
        };
        const flag = (k: string): boolean | undefined => {
          const v = shell.map.get(k);
          return typeof v === "boolean" ? v : undefined;
        };
        const id = text("id") ?? shellId(path);
        const overrides: Record<string, unknown> = {
          id,
          label: text("label"),
          platform: text("platform"),
          available: flag("available"),
          supportsLogin: flag("supports_login"),
          supportsInteractive: flag("supports_interactive"),
          defaultArgs: strings(shell.map.get("default_args")),
          loginArgs: strings(shell.map.get("login_args")),
        };
        for (const k of Object.keys(overrides)) if (overrides[k] === undefined) delete overrides[k];
        return this.describe(path, text("source") ?? "host", overrides as Partial<ShellDescriptor>);
      }
      const id = shell.map.get("id");
      if (typeof id === "string") return this.byId(id);
      throw new Error("shell object requires `path` or `id`");
    }
    const id = params.map.get("shell_id");
    if (typeof id === "string") return this.byId(id);
    throw new Error("shell mode requires `shell` or `shell_id`");
  }

  /** argv for running `params.command` through the shell the params name. */
  invocation(params: Dict): {
    program: string;
    args: string[];
    commandArgIndex: number;
    shell: ShellDescriptor;
  } {
    const command = params.map.get("command");
    const shell = this.resolve(params);
    const login = params.map.get("login") === true;
    const interactive = params.map.get("interactive") === true;
    const args = [
      ...(login && shell.supportsLogin && shell.loginArgs.length > 0 ? shell.loginArgs : shell.defaultArgs),
    ];
    if (interactive && shell.supportsInteractive && !args.includes("-i")) args.unshift("-i");
    const commandArgIndex = args.length;
    args.push(typeof command === "string" ? command : "{command}");
    return { program: shell.path, args, commandArgIndex, shell };
  }
}

export function shellValue(shell: ShellDescriptor): Dict {
  return Dict.of({
    id: shell.id,
    label: shell.label,
    path: shell.path,
    platform: shell.platform,
    available: shell.available,
    supports_login: shell.supportsLogin,
    supports_interactive: shell.supportsInteractive,
    default_args: [...shell.defaultArgs],
    login_args: [...shell.loginArgs],
    source: shell.source,
  });
}

export function catalogValue(catalog: ShellCatalog): Dict {
  const shells = catalog.shells();
  return Dict.of({
    shells: shells.map(shellValue),
    default_shell_id: catalog.defaultShellId(shells) ?? null,
  });
}
