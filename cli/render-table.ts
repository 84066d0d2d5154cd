// kubectl's table layout: upper-case headers, columns padded to their widest cell and three spaces apart.

/** One line per row, headers first unless `headers` is false (later rows of `get -w`). */
export function renderTable(
  columns: readonly string[],
  rows: readonly (readonly string[])[],
  options: { headers?: boolean } = {},
): string {
  const header = options.headers ?? true;
  const all = header ? [columns.map((column) => column.toUpperCase()), ...rows] : [...rows];
  const widths = columns.map((_, index) => Math.max(...all.map((row) => (row[index] ?? "").length)));
  return all
    .map((row) =>
      row
        .map((cell, index) => (index === row.length - 1 ? cell : cell.padEnd(widths[index]!)))
        .join("   ")
        .trimEnd(),
    )
    .map((line) => `${line}\n`)
    .join("");
}
