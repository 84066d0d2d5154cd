// What `kontinue get` writes: a table (its columns aligned across a watch's rows) or the objects themselves.
import type { GetOutput } from "./get-command.ts";
import { printObjects } from "./print-objects.ts";
import { TableLayout } from "./render-table.ts";
import type { View } from "./resource-views.ts";

interface Printable {
  apiVersion?: string;
  kind?: string;
  metadata?: { name?: string };
}

/**
 * Prints what one `get` shows. Without -w: the list (a List object for -o json|yaml), or "No resources found".
 * With -w, as kubectl: each object on its own (YAML documents separated by `---`), the table's headers once, and
 * every later row padded to the widths the table already has.
 */
export class GetPrinter<T extends Printable> {
  readonly #view: View<T>;
  readonly #output: GetOutput | undefined;
  readonly #out: NodeJS.WritableStream;
  readonly #layout: TableLayout;
  #headersPrinted = false;
  #documents = 0;

  constructor(view: View<T>, output: GetOutput | undefined, out: NodeJS.WritableStream = process.stdout) {
    this.#view = view;
    this.#output = output;
    this.#out = out;
    this.#layout = new TableLayout(this.#wide ? [...view.columns, ...view.wideColumns] : view.columns);
  }

  get #wide(): boolean {
    return this.#output === "wide";
  }

  /** The answer to a list or a get (`single`: one object asked for by name). */
  list(items: readonly T[], options: { single: boolean; namespace: string; watching: boolean }): void {
    const output = this.#output;
    if (output === "json" || output === "yaml" || output === "name") {
      if (options.watching) this.changed(items);
      else this.#out.write(printObjects(items, { output, single: options.single }));
      return;
    }
    if (items.length === 0) process.stderr.write(`No resources found in ${options.namespace} namespace.\n`);
    else this.changed(items);
  }

  /** Objects a watch saw change: rows (headers first if none were printed yet), or each object. */
  changed(items: readonly T[]): void {
    const output = this.#output;
    if (output === "json" || output === "name") {
      for (const item of items) this.#out.write(printObjects([item], { output, single: true }));
      return;
    }
    if (output === "yaml") {
      for (const item of items)
        this.#out.write(`${this.#documents++ === 0 ? "" : "---\n"}${printObjects([item], { output, single: true })}`);
      return;
    }
    if (items.length === 0) return;
    const now = Date.now();
    const rows = items.map((item) =>
      this.#wide ? [...this.#view.row(item, now), ...this.#view.wideRow(item, now)] : this.#view.row(item, now),
    );
    this.#out.write(this.#layout.render(rows, { headers: !this.#headersPrinted }));
    this.#headersPrinted = true;
  }
}
