// Standard streams (reference: builtins.md "I/O"): `eprint`/`eprintln`
// with `capture_stderr_start`/`capture_stderr_take`, `read_stdin`,
// `read_line`, `prompt_user`, TTY checks, ANSI helpers (`color`, `bold`,
// `dim`, `set_color_mode`) and the test mocks `mock_stdin`/`mock_tty`.
// The mock and capture state belongs to one VM (created per registration),
// never to the module, so two programs in one process cannot see each
// other's mocks. Reading the real stdin parks the task.

import { thrown } from "../../vm/errors.ts";
import type { Value } from "../../vm/values.ts";
import type { Vm } from "../../vm/vm.ts";
import { textArg } from "../args.ts";
import type { StdStream, SystemHost } from "./host.ts";

type ColorMode = "auto" | "always" | "never";

interface IoState {
  /** Mocked stdin not read yet (`mock_stdin`). */
  bulk: string | null;
  /** Lines split off the mock by `read_line`; non-null while a mock is installed and partly read. */
  lines: string[] | null;
  capturing: boolean;
  captured: string;
  tty: Partial<Record<StdStream, boolean>>;
  colorMode: ColorMode;
}

const COLORS: Record<string, string> = {
  black: "30",
  red: "31",
  green: "32",
  yellow: "33",
  blue: "34",
  magenta: "35",
  cyan: "36",
  white: "37",
  bright_black: "90",
  gray: "90",
  grey: "90",
  bright_red: "91",
  bright_green: "92",
  bright_yellow: "93",
  bright_blue: "94",
  bright_magenta: "95",
  bright_cyan: "96",
  bright_white: "97",
};

function isStream(name: string): name is StdStream {
  return name === "stdin" || name === "stdout" || name === "stderr";
}

export function registerIo(vm: Vm, host: SystemHost): void {
  const state: IoState = {
    bulk: null,
    lines: null,
    capturing: false,
    captured: "",
    tty: {},
    colorMode: "auto",
  };
  const b = vm.registerBuiltin.bind(vm);

  const writeStderr = (text: string): null => {
    if (state.capturing) state.captured += text;
    else vm.writeError(text);
    return null;
  };
  b("eprint", (args) => writeStderr(textArg(args, 0)));
  b("eprintln", (args) => writeStderr(`${textArg(args, 0)}\n`));
  b("capture_stderr_start", () => {
    state.capturing = true;
    state.captured = "";
    return null;
  });
  b("capture_stderr_take", () => {
    const text = state.captured;
    state.captured = "";
    state.capturing = false;
    return text;
  });

  /** The next stdin line: the mock while one is installed (nil once drained), else the host's stdin. */
  const nextLine = (): Value | Promise<Value> => {
    if (state.bulk !== null) {
      const parts = state.bulk.split("\n");
      if (parts[parts.length - 1] === "") parts.pop();
      state.bulk = null;
      state.lines = parts;
    }
    if (state.lines !== null) return state.lines.shift() ?? null;
    return host.readStdinLine();
  };
  b("read_line", () => nextLine());
  b("read_stdin", () => {
    if (state.bulk !== null || state.lines !== null) {
      const rest = state.bulk ?? (state.lines!.length > 0 ? `${state.lines!.join("\n")}\n` : "");
      state.bulk = null;
      state.lines = [];
      return rest;
    }
    return host.readStdin();
  });
  b("prompt_user", (args) => {
    vm.write(textArg(args, 0));
    const line = nextLine();
    const trim = (v: Value): Value => (typeof v === "string" ? v.trimEnd() : v);
    return line instanceof Promise ? line.then(trim) : trim(line);
  });
  b("mock_stdin", (args) => {
    state.bulk = textArg(args, 0);
    state.lines = null;
    return null;
  });
  b("unmock_stdin", () => {
    state.bulk = null;
    state.lines = null;
    return null;
  });

  const isTty = (stream: StdStream): boolean => state.tty[stream] ?? host.isTty(stream);
  b("is_stdin_tty", () => isTty("stdin"));
  b("is_stdout_tty", () => isTty("stdout"));
  b("is_stderr_tty", () => isTty("stderr"));
  b("mock_tty", (args) => {
    const stream = textArg(args, 0);
    if (!isStream(stream)) {
      throw thrown(`mock_tty: invalid stream '${stream}'. Expected 'stdin', 'stdout', or 'stderr'.`);
    }
    state.tty = { ...state.tty, [stream]: args[1] === true };
    return null;
  });
  b("unmock_tty", () => {
    state.tty = {};
    return null;
  });

  const ansi = (): boolean => {
    if (state.colorMode !== "auto") return state.colorMode === "always";
    if (host.env("FORCE_COLOR") !== undefined) return true;
    if (host.env("NO_COLOR") !== undefined) return false;
    return isTty("stdout");
  };
  const wrap = (code: string, text: string): string => `\u001b[${code}m${text}\u001b[0m`;
  b("color", (args) => {
    const text = textArg(args, 0);
    const code = COLORS[textArg(args, 1)];
    return ansi() && code !== undefined ? wrap(code, text) : text;
  });
  b("bold", (args) => (ansi() ? wrap("1", textArg(args, 0)) : textArg(args, 0)));
  b("dim", (args) => (ansi() ? wrap("2", textArg(args, 0)) : textArg(args, 0)));
  b("set_color_mode", (args) => {
    const mode = textArg(args, 0);
    if (mode !== "auto" && mode !== "always" && mode !== "never") {
      throw thrown(`set_color_mode: invalid mode '${mode}'. Expected 'auto', 'always', or 'never'.`);
    }
    state.colorMode = mode;
    return null;
  });
}
