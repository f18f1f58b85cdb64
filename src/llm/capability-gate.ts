// Refusing options the chosen model cannot honour (vision, audio, pdf,
// prompt caching, thinking modes, structured output, native tools), with
// the reference's message. Gates are off while scripted mocks are queued:
// the mock answers whatever the model id says.

import { thrown } from "../vm/errors.ts";
import type { Capabilities } from "./catalog/capabilities.ts";
import type { OutputFormat, ThinkingConfig } from "./provider.ts";

export class CapabilityGate {
  constructor(
    readonly provider: string,
    readonly model: string,
    readonly caps: Capabilities,
    readonly enforced: boolean,
  ) {}

  /** Throws for `option` when it is used and the model lacks it. */
  require(option: string, used: boolean, supported: boolean): void {
    if (!this.enforced || !used || supported) return;
    throw thrown(
      `option \`${option}\` is not supported by \`${this.model}\` (provider \`${this.provider}\`). See \`harn check --provider-matrix\` for compatibility.`,
    );
  }

  /** `enabled` thinking also runs on adaptive-only models (providers translate it). */
  thinking(t: ThinkingConfig, option: string): void {
    const modes = this.caps.thinkingModes;
    const supported =
      t.mode === "disabled" ||
      (t.mode === "enabled"
        ? modes.includes("enabled") || modes.includes("adaptive")
        : modes.includes(t.mode));
    this.require(option, true, supported);
  }

  outputFormat(format: OutputFormat): void {
    if (!this.enforced || format.kind === "text" || this.provider === "mock") return;
    const strategy = this.caps.structuredOutput;
    this.require("output_format", true, strategy !== null);
    if (format.kind === "json_schema" && !["native", "tool_use", "format_kw"].includes(strategy!)) {
      throw thrown(
        `output_format: provider "${this.provider}" model "${this.model}" declares unsupported structured_output strategy "${strategy}"`,
      );
    }
  }
}
