/**
 * The names a cell declares in its own top-level scope: the names the converter exports to the
 * notebook. Read from the syntax alone, so finding them costs no program of its own.
 */
import type * as TS from "typescript";

export function declaredNames(ts: typeof TS, file: TS.SourceFile): string[] {
  const names = new Set<string>();
  const bind = (name: TS.BindingName | undefined) => {
    if (!name) return;
    if (ts.isIdentifier(name)) names.add(name.text);
    else for (const el of name.elements) if (!ts.isOmittedExpression(el)) bind(el.name);
  };
  const exported = (s: TS.Statement) =>
    ts.canHaveModifiers(s) && (ts.getModifiers(s) ?? []).some((m) => m.kind === ts.SyntaxKind.ExportKeyword);
  // `var` anywhere outside a function belongs to the top-level scope.
  const hoisted = (node: TS.Node): void => {
    if (ts.isFunctionLike(node) || ts.isClassLike(node)) return;
    if (ts.isVariableDeclarationList(node) && (node.flags & ts.NodeFlags.BlockScoped) === 0)
      for (const d of node.declarations) bind(d.name);
    ts.forEachChild(node, hoisted);
  };
  for (const s of file.statements) {
    if (exported(s)) continue;
    if (ts.isVariableStatement(s)) for (const d of s.declarationList.declarations) bind(d.name);
    else if (
      ts.isFunctionDeclaration(s) ||
      ts.isClassDeclaration(s) ||
      ts.isEnumDeclaration(s) ||
      ts.isInterfaceDeclaration(s) ||
      ts.isTypeAliasDeclaration(s)
    ) {
      if (s.name) names.add(s.name.text);
    } else if (ts.isModuleDeclaration(s) && ts.isIdentifier(s.name) && !(s.flags & ts.NodeFlags.GlobalAugmentation))
      names.add(s.name.text);
    else if (ts.isImportEqualsDeclaration(s)) names.add(s.name.text);
    else if (ts.isImportDeclaration(s) && s.importClause) {
      const clause = s.importClause;
      if (clause.name) names.add(clause.name.text);
      const nb = clause.namedBindings;
      if (nb && ts.isNamespaceImport(nb)) names.add(nb.name.text);
      if (nb && ts.isNamedImports(nb)) for (const el of nb.elements) names.add(el.name.text);
    }
    if (!ts.isVariableStatement(s)) hoisted(s);
  }
  return [...names];
}
