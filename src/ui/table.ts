import type { Paint } from "./paint.js";

export interface Column<Row> {
  header: string;
  key: keyof Row & string;
}

/** A `convox`-style table: upper-case headers, columns padded to their widest cell, no borders. */
export function renderTable<Row extends Record<string, string>>(
  columns: readonly Column<Row>[],
  rows: readonly Row[],
  paint: Paint,
): string {
  const widths = columns.map((column) =>
    Math.max(column.header.length, ...rows.map((row) => visibleLength(row[column.key] ?? ""))),
  );
  const line = (cells: string[]) =>
    cells
      .map((cell, index) => (index === cells.length - 1 ? cell : cell + " ".repeat((widths[index] ?? 0) - visibleLength(cell))))
      .join("  ")
      .trimEnd();
  const header = line(columns.map((column) => paint.bold(column.header)));
  const body = rows.map((row) => line(columns.map((column) => row[column.key] ?? "")));
  return `${[header, ...body].join("\n")}\n`;
}

function visibleLength(text: string): number {
  // eslint-disable-next-line no-control-regex
  return text.replace(/\u001b\[[0-9;]*m/g, "").length;
}
