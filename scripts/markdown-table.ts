/** A Markdown table padded the way prettier pads it, so generated files pass `prettier --check`. */
export function markdownTable<K extends string>(
  header: Record<K, string>,
  body: Record<K, string>[],
): string {
  const columns = Object.keys(header) as K[];
  const cell = (value: string) => value.replace(/\|/g, '\\|');
  const widths = columns.map((c) =>
    Math.max(3, ...[header, ...body].map((r) => cell(r[c]).length)),
  );
  const line = (cells: string[]) => `| ${cells.join(' | ')} |`;
  return [
    line(columns.map((c, i) => cell(header[c]).padEnd(widths[i]))),
    line(widths.map((w) => '-'.repeat(w))),
    ...body.map((r) => line(columns.map((c, i) => cell(r[c]).padEnd(widths[i])))),
  ].join('\n');
}
