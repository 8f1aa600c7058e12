/**
 * CSV both ways, for bulk runs across users: reading a pasted or uploaded list of users, and writing a
 * run's report. Hand-written (RFC 4180 quoting, nothing more) because no CSV library is among the
 * project's dependencies and the two directions need only a few lines each; see
 * docs/decisions/bulk-across-users.md.
 */

/**
 * The cells of CSV text: quoted cells may hold separators, quotes ("") and line breaks; a row may be
 * separated by commas, semicolons or tabs (spreadsheets export all three). Blank cells are dropped.
 * Calls `cell` for each cell with its row number (1-based), so a large file is never held twice.
 */
export function forEachCsvCell(text: string, cell: (value: string, row: number) => void): void {
  let row = 1;
  let i = 0;
  const length = text.length;
  while (i < length) {
    let value = "";
    if (text[i] === '"') {
      i += 1;
      for (;;) {
        if (i >= length) break; // an unclosed quote: the rest is the cell, as spreadsheets read it
        const ch = text[i]!;
        if (ch === '"') {
          if (text[i + 1] === '"') {
            value += '"';
            i += 2;
            continue;
          }
          i += 1;
          break;
        }
        value += ch;
        i += 1;
      }
      // Anything between the closing quote and the separator belongs to the cell too.
      while (i < length && !isSeparator(text[i]!) && !isLineBreak(text[i]!)) value += text[i++];
    } else {
      while (i < length && !isSeparator(text[i]!) && !isLineBreak(text[i]!)) value += text[i++];
    }
    const trimmed = value.trim();
    if (trimmed !== "") cell(trimmed, row);
    if (i < length && isSeparator(text[i]!)) i += 1;
    else if (i < length && isLineBreak(text[i]!)) {
      if (text[i] === "\r" && text[i + 1] === "\n") i += 1;
      i += 1;
      row += 1;
    }
  }
}

const isSeparator = (ch: string) => ch === "," || ch === ";" || ch === "\t";
const isLineBreak = (ch: string) => ch === "\n" || ch === "\r";

/**
 * One cell of a CSV report, safe to open in a spreadsheet: always quoted (quotes doubled), and a value
 * that a spreadsheet would run as a formula (=, +, -, @, or a tab or carriage return first) is
 * prefixed with an apostrophe (OWASP "CSV injection"). Emails, ids and errors come from users' data.
 */
export function csvCell(value: string | number | null | undefined): string {
  if (value === null || value === undefined) return "";
  if (typeof value === "number") return String(value);
  const safe = /^[=+\-@\t\r]/.test(value) ? `'${value}` : value;
  return `"${safe.replace(/"/g, '""')}"`;
}

export function csvRow(cells: (string | number | null | undefined)[]): string {
  return `${cells.map(csvCell).join(",")}\r\n`;
}
