/**
 * Compiled cells read notebook names as `exports.name` (that is how tslab's converter links
 * cells), so the names a piece of compiled code uses can be read off its text.
 */
export function exportsReferences(js: string): string[] {
  const found = new Set<string>();
  for (const m of js.matchAll(/\bexports\.([A-Za-z_$][\w$]*)/g)) found.add(m[1]);
  return [...found];
}

/** Names compiled code assigns: `exports.name = …` (not `==`). */
export function exportsAssignments(js: string): string[] {
  const found = new Set<string>();
  for (const m of js.matchAll(/\bexports\.([A-Za-z_$][\w$]*)\s*(?:[-+*/%&|^]|\*\*|<<|>>>?|\?\?|&&|\|\|)?=(?!=)/g))
    found.add(m[1]);
  return [...found];
}
