// Run-time errors. A Harn `throw` carries any value; VM failures carry a
// kind and a message whose display matches the reference ("Type error: ...",
// "Thrown: ...", "Error [category]: ..."). Both travel as `VmError` through
// the interpreter's handler tables; `catch (e)` binds the thrown value
// itself, or the display string of a VM failure.

import type { Value } from "./values.ts";

export enum ErrorKind {
  Thrown,
  Type,
  Runtime,
  UndefinedVariable,
  UndefinedBuiltin,
  Immutable,
  DivisionByZero,
  Categorized,
  StackOverflow,
}

/** Error categories for structured handling (`error_category()`). */
export type ErrorCategory =
  | "timeout"
  | "auth"
  | "rate_limit"
  | "overloaded"
  | "server_error"
  | "transient_network"
  | "schema_validation"
  | "tool_error"
  | "tool_rejected"
  | "egress_blocked"
  | "cancelled"
  | "not_found"
  | "circuit_open"
  | "budget_exceeded"
  | "generic";

export class VmError extends Error {
  /** Source line where the error was raised (set by the interpreter). */
  line = 0;
  col = 0;
  file = "";
  /** Call stack at the raise point, innermost last: [function name, line]. */
  trace: [string, number, string][] = [];

  constructor(
    readonly kind: ErrorKind,
    readonly detail: string,
    readonly thrown: Value = null,
    readonly category: ErrorCategory = "generic",
  ) {
    super(detail);
  }

  /** The reference's display form of the error. */
  display(displayValue: (v: Value) => string): string {
    switch (this.kind) {
      case ErrorKind.Thrown:
        return `Thrown: ${displayValue(this.thrown)}`;
      case ErrorKind.Type:
        return `Type error: ${this.detail}`;
      case ErrorKind.Runtime:
        return `Runtime error: ${this.detail}`;
      case ErrorKind.UndefinedVariable:
        return `Undefined variable: ${this.detail}`;
      case ErrorKind.UndefinedBuiltin:
        return `Undefined builtin: ${this.detail}`;
      case ErrorKind.Immutable:
        return `Cannot assign to immutable binding: ${this.detail}`;
      case ErrorKind.DivisionByZero:
        return "Division by zero";
      case ErrorKind.Categorized:
        return `Error [${this.category}]: ${this.detail}`;
      case ErrorKind.StackOverflow:
        return "Stack overflow: too many nested calls";
    }
  }
}

export function thrown(value: Value): VmError {
  return new VmError(ErrorKind.Thrown, "", value);
}

export function typeError(message: string): VmError {
  return new VmError(ErrorKind.Type, message);
}

export function runtimeError(message: string): VmError {
  return new VmError(ErrorKind.Runtime, message);
}

export function categorized(category: ErrorCategory, message: string): VmError {
  return new VmError(ErrorKind.Categorized, message, null, category);
}

/** Raised when a language feature or builtin exists in the grammar but not yet at run time. */
export function notImplemented(feature: string): VmError {
  return new VmError(ErrorKind.Runtime, `not implemented: ${feature}`);
}
