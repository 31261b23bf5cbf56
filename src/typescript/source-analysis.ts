/**
 * Questions about source text that capture for %%threads / %%processes needs answered: which
 * names a function reads from outside itself, and which names a cell binds by importing.
 * Runs on the compiler thread, where the TypeScript parser is loaded.
 */
import type * as TS from "typescript";

export type ImportBinding = "namespace" | "default" | "require" | { named: string };

export interface ImportedName {
  name: string;
  specifier: string;
  binding: ImportBinding;
}

/** Identifiers `source` (one function or class, as JavaScript) reads but does not declare. */
export function freeIdentifiers(ts: typeof TS, source: string): string[] {
  const file = ts.createSourceFile("fn.js", `(${source})`, ts.ScriptTarget.ES2022, true, ts.ScriptKind.JS);
  const declared = new Set<string>();
  const read = new Set<string>();
  const declare = (name: TS.BindingName | TS.Identifier | undefined) => {
    if (!name) return;
    if (ts.isIdentifier(name)) declared.add(name.text);
    else for (const el of name.elements) if (!ts.isOmittedExpression(el)) declare(el.name);
  };
  const visit = (node: TS.Node): void => {
    if (ts.isVariableDeclaration(node) || ts.isParameter(node) || ts.isBindingElement(node)) declare(node.name);
    else if (
      (ts.isFunctionDeclaration(node) ||
        ts.isFunctionExpression(node) ||
        ts.isClassDeclaration(node) ||
        ts.isClassExpression(node)) &&
      node.name
    )
      declare(node.name);
    else if (ts.isCatchClause(node) && node.variableDeclaration) declare(node.variableDeclaration.name);
    if (ts.isIdentifier(node) && isRead(ts, node)) read.add(node.text);
    ts.forEachChild(node, visit);
  };
  visit(file);
  return [...read].filter((n) => !declared.has(n) && n !== "arguments" && n !== "undefined");
}

function isRead(ts: typeof TS, id: TS.Identifier): boolean {
  const p = id.parent;
  if (!p) return false;
  if (ts.isPropertyAccessExpression(p) && p.name === id) return false;
  if (
    (ts.isPropertyAssignment(p) ||
      ts.isMethodDeclaration(p) ||
      ts.isPropertyDeclaration(p) ||
      ts.isGetAccessorDeclaration(p) ||
      ts.isSetAccessorDeclaration(p) ||
      ts.isPropertySignature(p)) &&
    p.name === id
  )
    return false;
  if ((ts.isBindingElement(p) && p.propertyName === id) || (ts.isLabeledStatement(p) && p.label === id)) return false;
  if ((ts.isBreakStatement(p) || ts.isContinueStatement(p)) && p.label === id) return false;
  if (ts.isMetaProperty(p)) return false;
  if (
    (ts.isVariableDeclaration(p) ||
      ts.isParameter(p) ||
      ts.isBindingElement(p) ||
      ts.isFunctionDeclaration(p) ||
      ts.isFunctionExpression(p) ||
      ts.isClassDeclaration(p) ||
      ts.isClassExpression(p)) &&
    p.name === id
  )
    return false;
  return true;
}

/**
 * `{ total }` written in a cell whose `total` an earlier cell declared: tslab's converter rewrites
 * plain references to earlier names (`exports.total`) but not this shorthand, which then fails
 * at run time. Spelling it out (`{ total: total }`) lets the rewrite apply. Only names the cell
 * does not declare itself are touched, and the text grows only within those lines.
 */
export function expandShorthands(ts: typeof TS, code: string): string {
  if (!/[{,]\s*[A-Za-z_$][\w$]*\s*[,}]/.test(code)) return code;
  const file = ts.createSourceFile("cell.ts", code, ts.ScriptTarget.ES2022, true, ts.ScriptKind.TS);
  const declared = new Set<string>();
  const shorthands: TS.ShorthandPropertyAssignment[] = [];
  const visit = (node: TS.Node): void => {
    if (
      (ts.isVariableDeclaration(node) || ts.isParameter(node) || ts.isBindingElement(node)) &&
      ts.isIdentifier(node.name)
    )
      declared.add(node.name.text);
    else if (
      (ts.isFunctionDeclaration(node) || ts.isClassDeclaration(node) || ts.isFunctionExpression(node)) &&
      node.name
    )
      declared.add(node.name.text);
    else if (ts.isImportClause(node) && node.name) declared.add(node.name.text);
    else if (ts.isImportSpecifier(node) || ts.isNamespaceImport(node)) declared.add(node.name.text);
    if (ts.isShorthandPropertyAssignment(node) && !node.objectAssignmentInitializer) shorthands.push(node);
    ts.forEachChild(node, visit);
  };
  visit(file);
  let out = code;
  for (const s of shorthands.reverse()) {
    const name = s.name.text;
    if (declared.has(name)) continue;
    out = out.slice(0, s.name.getEnd()) + `: ${name}` + out.slice(s.name.getEnd());
  }
  return out;
}

/** Names a cell binds with `import` or a top-level `const x = require("m")`. */
export function importedNames(ts: typeof TS, code: string): ImportedName[] {
  const file = ts.createSourceFile("cell.ts", code, ts.ScriptTarget.ES2022, true, ts.ScriptKind.TS);
  const found: ImportedName[] = [];
  for (const st of file.statements) {
    if (
      ts.isImportDeclaration(st) &&
      ts.isStringLiteral(st.moduleSpecifier) &&
      st.importClause &&
      !st.importClause.isTypeOnly
    ) {
      const specifier = st.moduleSpecifier.text;
      const clause = st.importClause;
      if (clause.name) found.push({ name: clause.name.text, specifier, binding: "default" });
      const nb = clause.namedBindings;
      if (nb && ts.isNamespaceImport(nb)) found.push({ name: nb.name.text, specifier, binding: "namespace" });
      if (nb && ts.isNamedImports(nb)) {
        for (const el of nb.elements) {
          if (el.isTypeOnly) continue;
          found.push({ name: el.name.text, specifier, binding: { named: (el.propertyName ?? el.name).text } });
        }
      }
    } else if (ts.isImportEqualsDeclaration(st) && ts.isExternalModuleReference(st.moduleReference)) {
      const expr = st.moduleReference.expression;
      if (ts.isStringLiteral(expr)) found.push({ name: st.name.text, specifier: expr.text, binding: "require" });
    } else if (ts.isVariableStatement(st)) {
      for (const d of st.declarationList.declarations) {
        const init = d.initializer;
        if (
          ts.isIdentifier(d.name) &&
          init &&
          ts.isCallExpression(init) &&
          ts.isIdentifier(init.expression) &&
          init.expression.text === "require" &&
          init.arguments.length === 1 &&
          ts.isStringLiteral(init.arguments[0])
        ) {
          found.push({ name: d.name.text, specifier: init.arguments[0].text, binding: "require" });
        }
      }
    }
  }
  return found;
}
