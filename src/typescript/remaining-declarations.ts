/**
 * Which of the notebook's earlier declarations survive a cell. A cell that declares a name again
 * replaces the old meaning of that name: a new value hides an old value, a new type an old type.
 * A class or enum is both; when only its type is redeclared its value lives on, typed `any`.
 */
import type * as TS from "typescript";

/** Keyed by escaped name (`__x` is `___x`); `symbol.name` is the name as written. */
type Locals = ReadonlyMap<TS.__String, TS.Symbol>;

/** A source file's top-level scope, filled in when the checker binds the file. */
function localsOf(file: TS.SourceFile): Locals {
  return (file as unknown as { locals?: Locals }).locals ?? new Map();
}

export function remainingDeclarations(
  ts: typeof TS,
  checker: TS.TypeChecker,
  cell: TS.SourceFile,
  declarations: TS.SourceFile,
): string {
  const F = ts.SymbolFlags;
  const resolved = (s: TS.Symbol) => (s.flags & F.Alias ? checker.getAliasedSymbol(s) : s);
  const cellLocals = localsOf(cell);
  /** Per top-level statement of `declarations`, the names it keeps. */
  const kept = new Map<TS.Statement, Set<string>>();
  const keep = (statement: TS.Statement, name: string) => {
    const names = kept.get(statement) ?? new Set<string>();
    names.add(name);
    kept.set(statement, names);
  };
  const values = new Set<string>();
  const untyped = new Set<string>();

  for (const [key, symbol] of localsOf(declarations)) {
    const name = symbol.name;
    const shadow = cellLocals.get(key);
    const replaced = shadow ? resolved(shadow).flags : 0;
    const keepValue = !(replaced & F.Value);
    const keepType = !(replaced & F.Type);
    if (!keepValue && !keepType) continue;
    for (const declaration of symbol.declarations ?? []) {
      let statement: TS.Node = declaration;
      while (statement.parent !== declarations) statement = statement.parent;
      if (ts.isVariableStatement(statement) || ts.isFunctionDeclaration(statement)) {
        if (keepValue) {
          keep(statement, name);
          values.add(name);
        }
      } else if (ts.isTypeAliasDeclaration(statement) || ts.isInterfaceDeclaration(statement)) {
        if (keepType) keep(statement, name);
      } else if (ts.isClassDeclaration(statement) || ts.isEnumDeclaration(statement)) {
        if (keepType && keepValue) keep(statement, name);
        else if (keepValue) untyped.add(name);
      } else if (ts.isImportDeclaration(statement)) {
        const target = resolved(symbol).flags;
        if (keepType && keepValue) keep(statement, name);
        else if (keepType && !(target & F.Value)) keep(statement, name);
        else if (keepValue && !(target & F.Type)) keep(statement, name);
        else if (keepValue && target & F.Value) untyped.add(name);
      }
    }
  }

  const printer = ts.createPrinter({ newLine: ts.NewLineKind.LineFeed });
  let out = "";
  for (const statement of declarations.statements) {
    const names = kept.get(statement);
    if (!names) continue;
    const partial = narrowed(ts, statement, names);
    // Whole statements keep their text, leading comments (documentation for hover) included.
    let from = statement.pos;
    while (declarations.text[from] === "\n") from++;
    out +=
      "\n" +
      (partial === statement
        ? declarations.text.slice(from, statement.end)
        : printer.printNode(ts.EmitHint.Unspecified, partial, declarations));
  }
  if (out) out += "\n";
  for (const name of untyped) if (!values.has(name)) out += `let ${name}: any;\n`;
  return out;
}

/** `statement` with only the bindings named in `names` (itself when it keeps them all). */
function narrowed(ts: typeof TS, statement: TS.Statement, names: ReadonlySet<string>): TS.Statement {
  const f = ts.factory;
  const keeps = (n: TS.Identifier | TS.BindingName | undefined) =>
    n !== undefined && ts.isIdentifier(n) && names.has(n.text);
  if (ts.isVariableStatement(statement)) {
    const all = statement.declarationList.declarations;
    const some = all.filter((d) => keeps(d.name));
    if (some.length === all.length) return statement;
    return f.updateVariableStatement(
      statement,
      statement.modifiers,
      f.updateVariableDeclarationList(statement.declarationList, some),
    );
  }
  if (ts.isImportDeclaration(statement) && statement.importClause) {
    const clause = statement.importClause;
    const name = keeps(clause.name) ? clause.name : undefined;
    let bindings = clause.namedBindings;
    if (bindings && ts.isNamespaceImport(bindings) && !keeps(bindings.name)) bindings = undefined;
    if (bindings && ts.isNamedImports(bindings)) {
      const elements = bindings.elements.filter((e) => keeps(e.name));
      bindings =
        elements.length === bindings.elements.length
          ? bindings
          : elements.length > 0
            ? f.updateNamedImports(bindings, elements)
            : undefined;
    }
    if (name === clause.name && bindings === clause.namedBindings) return statement;
    return f.updateImportDeclaration(
      statement,
      statement.modifiers,
      f.updateImportClause(clause, clause.isTypeOnly, name, bindings),
      statement.moduleSpecifier,
      statement.attributes,
    );
  }
  return statement;
}
