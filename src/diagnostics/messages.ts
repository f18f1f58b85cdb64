// The catalogue of compile-time messages. Every static diagnostic the front
// end reports is built here, so codes stay unique and texts stay in one
// place. HARN1xxx: lexing/parsing, HARN2xxx: checking, HARN3xxx: lints.
// Texts follow the reference implementation where its suite checks them.

export enum Code {
  UnexpectedCharacter = 1001,
  UnterminatedString = 1002,
  UnterminatedBlockComment = 1003,
  UnexpectedToken = 1004,
  UnexpectedEof = 1005,
  ImportNotFound = 1101,
  ImportCollision = 1102,
  UndefinedCallTarget = 2001,
  TypeMismatch = 2002,
  NonExhaustiveMatch = 2003,
  InvalidConstruct = 2004,
  UnusedVariable = 3001,
}

export function codeName(code: Code): string {
  return `HARN${code}`;
}

export const messages = {
  unexpectedCharacter: (ch: string, line: number, col: number) =>
    `Unexpected character '${ch}' at ${line}:${col}`,
  unterminatedString: (line: number, col: number) => `Unterminated string at ${line}:${col}`,
  unterminatedBlockComment: (line: number, col: number) => `Unterminated block comment at ${line}:${col}`,
  unexpectedToken: (expected: string, got: string, line: number, col: number) =>
    `Expected ${expected}, got ${got} at ${line}:${col}`,
  unexpectedEof: (expected: string) => `Unexpected end of file, expected ${expected}`,
  importNotFound: (path: string) => `Import not found: ${path}`,
  importCollision: (name: string, sources: string) => `Import collision: '${name}' is exported by ${sources}`,
  undefinedCallTarget: (name: string) => `call target \`${name}\` is not defined or imported`,
} as const;
