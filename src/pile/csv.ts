/** "Take the labels out": the labels CSV (format in docs/labelling.md). */

export type LabelSource = 'by hand' | 'accepted suggestion' | 'unsorted';

export interface LabelRow {
  /** Path inside the folder the person dropped, with "/" between folders; the file name when there was none. */
  relativePath: string;
  fileName: string;
  /** Class name; for an unsorted photo, the current suggestion (or empty when there is none). */
  label: string;
  how: LabelSource;
  /** The classifier's probability for `label`, 0 to 1; null when it has none. */
  confidence: number | null;
}

export const CSV_HEADER = ['relative_path', 'file_name', 'label', 'how', 'confidence'] as const;

/** RFC 4180: a field with a comma, quote, CR or LF goes in quotes, with quotes doubled. */
export function csvField(value: string): string {
  return /[",\r\n]/.test(value) ? `"${value.replaceAll('"', '""')}"` : value;
}

/**
 * The CSV text: a header line, then one line per row, CRLF line ends (RFC 4180), UTF-8 with a byte
 * order mark so that Excel shows accented and non-Latin names correctly (most CSV readers skip it).
 */
export function labelsCsv(rows: readonly LabelRow[]): string {
  const lines = [CSV_HEADER.join(',')];
  for (const row of rows) {
    const confidence = row.confidence === null || !Number.isFinite(row.confidence) ? '' : row.confidence.toFixed(4);
    lines.push([row.relativePath, row.fileName, row.label, row.how, confidence].map(csvField).join(','));
  }
  return `\uFEFF${lines.join('\r\n')}\r\n`;
}
