/**
 * Whether TypeScript code is ready to run, for `is_complete_request`: a console asks on every
 * Enter, and runs the code, waits for more lines, or refuses it. TypeScript's scanner follows
 * brackets, template literals and comments (it knows where a `}` ends a `${` and where a `/`
 * starts a regular expression); its parser then tells a missing end (`1 +`, `x =`, `if (a)`,
 * `obj.`) from a mistake that no further line can mend (`const = 1`, `a b`).
 */
import type * as TS from "typescript";
import type { Completeness } from "./compiler-protocol";

/** One more level of indentation, as the notebooks and tslab write TypeScript. */
const INDENT = "  ";

/** Parsed as a module, as the converter parses a cell, so `await` is the operator. */
const MODULE_PREFIX = "export {};\n";

/** TypeScript's "'*\/' expected." */
const COMMENT_NOT_CLOSED = 1010;

/** An open bracket or template substitution, and where it was opened. */
type Opener = { kind: TS.SyntaxKind; pos: number };

export function completeness(ts: typeof TS, code: string): Completeness {
  const K = ts.SyntaxKind;
  const closerOf = new Map([
    [K.CloseBraceToken, K.OpenBraceToken],
    [K.CloseParenToken, K.OpenParenToken],
    [K.CloseBracketToken, K.OpenBracketToken],
  ]);
  // After these a `/` divides; anywhere else it starts a regular expression.
  const endsOperand = new Set([
    K.Identifier,
    K.PrivateIdentifier,
    K.NumericLiteral,
    K.BigIntLiteral,
    K.StringLiteral,
    K.RegularExpressionLiteral,
    K.NoSubstitutionTemplateLiteral,
    K.TemplateTail,
    K.CloseParenToken,
    K.CloseBracketToken,
    K.CloseBraceToken,
    K.ThisKeyword,
    K.SuperKeyword,
    K.TrueKeyword,
    K.FalseKeyword,
    K.NullKeyword,
    K.PlusPlusToken,
    K.MinusMinusToken,
  ]);
  const lineStartOf = (pos: number) => code.lastIndexOf("\n", pos - 1) + 1;
  const indentAt = (pos: number) => /^[ \t]*/.exec(code.slice(lineStartOf(pos)))![0];

  let openComment = false;
  // The scanner skips comments, and says only through this callback that one was left open.
  const onError = (message: TS.DiagnosticMessage) => {
    if (message.code === COMMENT_NOT_CLOSED) openComment = true;
  };
  const scanner = ts.createScanner(ts.ScriptTarget.Latest, true, ts.LanguageVariant.Standard, code, onError);
  const open: Opener[] = [];
  let previous: TS.SyntaxKind | undefined;
  let lastTokenEnd = 0;
  for (let token = scanner.scan(); token !== K.EndOfFileToken; token = scanner.scan()) {
    if (
      (token === K.SlashToken || token === K.SlashEqualsToken) &&
      (previous === undefined || !endsOperand.has(previous))
    ) {
      token = scanner.reScanSlashToken();
    }
    // A `}` that closes a template's `${` continues the template literal.
    if (token === K.CloseBraceToken && open.at(-1)?.kind === K.TemplateHead) {
      open.pop();
      token = scanner.reScanTemplateToken(false);
    }
    const opened = closerOf.get(token);
    if (
      token === K.OpenBraceToken ||
      token === K.OpenParenToken ||
      token === K.OpenBracketToken ||
      token === K.TemplateHead ||
      token === K.TemplateMiddle
    ) {
      open.push({ kind: token === K.TemplateMiddle ? K.TemplateHead : token, pos: scanner.getTokenPos() });
    } else if (opened !== undefined) {
      if (open.pop()?.kind !== opened) return { status: "invalid" };
    } else if (scanner.isUnterminated()) {
      return unterminated(ts, token, code, scanner.getTextPos() === code.length);
    }
    previous = token;
    lastTokenEnd = scanner.getTextPos();
  }
  // A comment left open runs to the end of the code.
  if (openComment) return { status: "incomplete", indent: "" };

  const innermost = open.at(-1);
  if (innermost) {
    return { status: "incomplete", indent: innermost.kind === K.TemplateHead ? "" : indentAt(innermost.pos) + INDENT };
  }
  const problem = firstSyntaxError(ts, code);
  if (problem === undefined) return { status: "complete" };
  // An error after the last token is one the next line can still answer.
  if (problem >= lastTokenEnd) return { status: "incomplete", indent: indentAt(lastTokenEnd) + INDENT };
  return { status: "invalid" };
}

/** A literal or comment that reaches the end of the code without being closed. */
function unterminated(ts: typeof TS, token: TS.SyntaxKind, code: string, atEnd: boolean): Completeness {
  const K = ts.SyntaxKind;
  // A template literal spans lines: the usual multi-line string. Its lines keep their own spacing.
  if (token === K.NoSubstitutionTemplateLiteral || token === K.TemplateTail)
    return { status: "incomplete", indent: "" };
  // A quoted string goes on to the next line only after a backslash; a regular expression never does.
  if (token === K.StringLiteral && atEnd && /(^|[^\\])(\\\\)*\\$/.test(code))
    return { status: "incomplete", indent: "" };
  return { status: "invalid" };
}

/** Where the parser first objects to `code`, or undefined when it parses. */
function firstSyntaxError(ts: typeof TS, code: string): number | undefined {
  const file = ts.createSourceFile("cell.ts", MODULE_PREFIX + code, ts.ScriptTarget.Latest, false, ts.ScriptKind.TS);
  // Syntax errors are only public through a program; a source file keeps them in this field.
  const errors = (file as unknown as { parseDiagnostics?: readonly TS.Diagnostic[] }).parseDiagnostics ?? [];
  const starts = errors.map((d) => (d.start ?? 0) - MODULE_PREFIX.length);
  return starts.length === 0 ? undefined : Math.min(...starts);
}
