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
  InvalidOperands = 2101,
  ArgumentTypeMismatch = 2102,
  GenericBindingConflict = 2103,
  InterfaceNotSatisfied = 2104,
  VarianceViolation = 2105,
  MisplacedStreamOp = 2106,
  ReturnTypeMismatch = 2107,
  AssignmentTypeMismatch = 2108,
  UnhandledCases = 2109,
  TypeArgumentCount = 2110,
  InvalidOrPattern = 2111,
  StructFieldTypeMismatch = 2112,
  TryStarOutsideFunction = 2113,
  UnusedVariable = 3001,
  UnreachableCode = 3101,
  ImmutableAssignment = 3102,
  ArgumentCount = 3103,
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

/** Texts of the type checker's diagnostics (HARN2xxx), as the reference words them. */
export const checkMessages = {
  undefinedCallTargetSuggest: (name: string, suggestion: string) =>
    `call target \`${name}\` is not defined or imported — did you mean \`${suggestion}\`?`,
  declaredButAssigned: (name: string, declared: string, actual: string) =>
    `'${name}' declared as ${declared}, but assigned ${actual}`,
  cannotAssign: (actual: string, name: string, declared: string) =>
    `can't assign ${actual} to '${name}' (declared as ${declared})`,
  cannotAdd: (left: string, right: string) => `can't add ${left} and ${right}`,
  cannotMultiply: (left: string, right: string) => `can't multiply ${left} and ${right} (try string * int)`,
  needsNumeric: (op: string, left: string, right: string) =>
    `can't use '${op}' on ${left} and ${right} (needs numeric operands)`,
  argumentMismatch: (index: number, name: string, expected: string, actual: string) =>
    `Argument ${index} ('${name}'): expected ${expected}, got ${actual}`,
  interfaceNotSatisfied: (type: string, iface: string, reason: string, param: string) =>
    `Type '${type}' does not satisfy interface '${iface}': ${reason} (required by constraint \`where ${param}: ${iface}\`)`,
  onlyNamedTypesSatisfy: (type: string, iface: string, param: string) =>
    `Type '${type}' does not satisfy interface '${iface}': only named types can satisfy interfaces (required by constraint \`where ${param}: ${iface}\`)`,
  noTypeParams: (name: string) => `Function '${name}' does not declare type parameters`,
  typeArgCount: (name: string, expected: number, got: number) =>
    `Function '${name}' expects ${expected} type arguments, got ${got}`,
  returnMismatch: (expected: string, actual: string) =>
    `return type doesn't match: expected ${expected}, got ${actual}`,
  genFnMustReturnStream: (actual: string) => `\`gen fn\` must return Stream<T>, got ${actual}`,
  yieldInGenFn: () => "`yield` is not a stream emit; use `emit` inside `gen fn`",
  emitOutsideGenFn: () => "`emit` can only be used inside a `gen fn`",
  emitMismatch: (expected: string, actual: string) =>
    `emit type doesn't match: expected ${expected}, got ${actual}`,
  tryStarOutsideFunction: () =>
    "try* requires an enclosing function (fn, tool, or pipeline) so the rethrow has a target",
  unreachableNotNever: (type: string) =>
    `unreachable() argument has type \`${type}\` — not all cases are handled`,
  orPatternNotLiteral: () =>
    "Or-pattern alternatives must be literal patterns (string, int, float, bool, nil, or `_`). " +
    "Identifier bindings and destructuring patterns are not allowed inside `|`.",
  structFieldMismatch: (field: string, struct: string, expected: string, actual: string) =>
    `Field '${field}' in struct '${struct}' expects ${expected}, got ${actual}`,
  nonExhaustiveEnum: (name: string, missing: string) =>
    `Non-exhaustive match on enum ${name}: missing variants ${missing}`,
  nonExhaustiveTagged: (missing: string) =>
    `Non-exhaustive match on tagged shape union: missing variants ${missing}`,
  nonExhaustiveUnion: (missing: string) => `Non-exhaustive match on union type: missing ${missing}`,
  nonExhaustiveLiteral: (missing: string) => `Non-exhaustive match on literal union: missing ${missing}`,
  varianceViolation: (param: string, marker: string, declared: string, position: string, decl: string) =>
    `type parameter '${param}' is declared '${marker}' (${declared}) but appears in a ${position} position in ${decl}`,
  argumentCount: (name: string, expected: string, got: number) =>
    `Function '${name}' expects ${expected} arguments, got ${got}`,
  unreachableCode: () => "unreachable code",
  immutableAssignment: (name: string) =>
    `Cannot assign to '${name}': variable is immutable (declared with 'let')`,
} as const;
