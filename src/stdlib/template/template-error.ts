// The one error type of the template engine. Its message has the shape
// `<template-path> at <line>:<col>: <what went wrong>` (path omitted for
// inline templates); the builtins throw that text as a Harn string value.

import { thrown, type VmError } from "../../vm/errors.ts";

export class TemplateError extends Error {
  /** The template file the error belongs to, once known. */
  path: string | undefined;

  constructor(
    readonly line: number,
    readonly col: number,
    readonly reason: string,
  ) {
    super(reason);
  }

  /** The text users see. */
  describe(): string {
    const where = this.path === undefined ? "" : `${this.path} `;
    return `${where}at ${this.line}:${this.col}: ${this.reason}`;
  }

  /** Tags the error with `path` unless an inner template already did. */
  withPath(path: string | undefined): this {
    if (this.path === undefined) this.path = path;
    return this;
  }

  toVmError(): VmError {
    return thrown(this.describe());
  }
}
