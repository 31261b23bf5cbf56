/** `64mb`, `512m`, `1g`, `1.5gb` (any case), or a bare number of megabytes, as whole megabytes; undefined if malformed. */
export function parseSizeMb(text: string): number | undefined {
  const m = /^(\d+(?:\.\d+)?)(m|mb|g|gb)?$/i.exec(text.trim());
  if (!m) return undefined;
  const n = Number(m[1]);
  const mb = (m[2] ?? "mb").toLowerCase().startsWith("g") ? n * 1024 : n;
  return Math.round(mb);
}
