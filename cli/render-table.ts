// kubectl's table layout: upper-case headers, columns padded to their widest cell and three spaces apart.

const columnGap = "   ";

/**
 * A table printed in parts (`get -w`: the list, then a row per change) whose columns stay aligned: each column keeps
 * the widest width it has had, and widens only when a cell needs more — as kubectl's tabwriter with RememberWidths.
 */
export class TableLayout {
  readonly #columns: readonly string[];
  readonly #widths: number[];

  constructor(columns: readonly string[]) {
    this.#columns = columns;
    this.#widths = columns.map(() => 0);
  }

  /** One line per row, the headers first when `headers` is true. */
  render(rows: readonly (readonly string[])[], options: { headers: boolean }): string {
    const all = options.headers ? [this.#columns.map((column) => column.toUpperCase()), ...rows] : rows;
    for (const row of all)
      row.forEach((cell, index) => {
        this.#widths[index] = Math.max(this.#widths[index] ?? 0, cell.length);
      });
    return all
      .map((row) =>
        row
          .map((cell, index) => (index === row.length - 1 ? cell : cell.padEnd(this.#widths[index]!)))
          .join(columnGap)
          .trimEnd(),
      )
      .map((line) => `${line}\n`)
      .join("");
  }
}

/** One line per row, headers first unless `headers` is false. */
export function renderTable(
  columns: readonly string[],
  rows: readonly (readonly string[])[],
  options: { headers?: boolean } = {},
): string {
  return new TableLayout(columns).render(rows, { headers: options.headers ?? true });
}
