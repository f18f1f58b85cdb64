// The template builtins (spec: "Prompt templating"):
//   render(path, bindings?)          render a template file;
//   render_prompt(path, bindings?)   the same, named for `.prompt` assets;
//   render_string(template, bindings?) render inline template text.
// File paths resolve against the directory of the Harn file making the
// call (an imported module renders relative to itself), or through the
// `@/` and `@alias/` package-root forms. Template failures are thrown as
// the string `<path> at <line>:<col>: <reason>`.

import { display } from "../../vm/display.ts";
import { thrown } from "../../vm/errors.ts";
import { type BuiltinContext, Dict, type Value } from "../../vm/values.ts";
import type { Vm } from "../../vm/vm.ts";
import { callerFile } from "../caller.ts";
import type { StdlibHost } from "../host-api.ts";
import { AssetPathError, resolveAssetPath } from "./asset-paths.ts";
import { readTemplateFile, renderTemplate } from "./render.ts";
import { TemplateError } from "./template-error.ts";

/** Installs `render`, `render_prompt` and `render_string`. */
export function registerTemplates(vm: Vm, host: StdlibHost): void {
  const renderFile = (args: Value[], ctx: BuiltinContext): Value => {
    const sourceDir = callerDir(host, ctx);
    const file = resolveTarget(host, textOf(args[0]), sourceDir);
    const template = readTemplateFile(host, file, (reason) =>
      thrown(`Failed to read template ${file}: ${reason}`),
    );
    return guarded(() => renderTemplate(host, template, bindingsOf(args[1]), { file, sourceDir }));
  };
  vm.registerBuiltin("render", renderFile);
  vm.registerBuiltin("render_prompt", renderFile);
  vm.registerBuiltin("render_string", (args, ctx) =>
    guarded(() =>
      renderTemplate(host, textOf(args[0]), bindingsOf(args[1]), {
        file: undefined,
        sourceDir: callerDir(host, ctx),
      }),
    ),
  );
}

/** Absolute directory of the calling Harn file (the working directory when there is none). */
function callerDir(host: StdlibHost, ctx: BuiltinContext): string {
  const file = callerFile(ctx);
  return file === "" ? host.cwd() : host.resolvePath(host.cwd(), host.dirname(file));
}

function resolveTarget(host: StdlibHost, path: string, sourceDir: string): string {
  try {
    return resolveAssetPath(host, path, sourceDir);
  } catch (e) {
    throw e instanceof AssetPathError ? thrown(e.message) : e;
  }
}

function guarded(render: () => string): string {
  try {
    return render();
  } catch (e) {
    throw e instanceof TemplateError ? e.toVmError() : e;
  }
}

function textOf(v: Value | undefined): string {
  return v === undefined ? "" : display(v);
}

/** Only a dict supplies bindings; anything else renders as if none were given. */
function bindingsOf(v: Value | undefined): Dict | null {
  return v instanceof Dict ? v : null;
}
