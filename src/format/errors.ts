/**
 * Everything that can go wrong opening a file someone hands the app. The message is written for
 * the person who chose the file and is meant to be shown as is; `code` lets the UI react (say,
 * offer "Restore from backup" when a backup was dropped on "Open classifier") without parsing text.
 */

export type FileErrorCode =
  /** Not the kind of file asked for: an image, a ZIP where JSON was expected, a PDF... */
  | 'wrong-file-type'
  /** Bigger than the app is willing to read. */
  | 'too-large'
  | 'empty-file'
  /** Text, but not JSON. */
  | 'not-json'
  /** JSON built to hurt the reader: absurd nesting, prototype keys, keys given twice. */
  | 'hostile-json'
  /** Valid JSON of some other kind (no "format" field naming this format). */
  | 'not-this-format'
  /** Saved by a newer Handful than this one. */
  | 'newer-version'
  /** Saved by an older Handful, in a version this one can no longer migrate. */
  | 'unsupported-version'
  /** Right format, but a field is missing, of the wrong type or out of range. */
  | 'invalid'
  /** Made for a backbone, weights or preprocessing this Handful does not have. */
  | 'incompatible-backbone'
  /** Numbers that are NaN, Infinity, null or text where a finite number belongs. */
  | 'not-finite'
  /** Lists of the wrong length (weights not classes x dim, bias not classes). */
  | 'wrong-length'
  /** Class names: empty, too long, duplicated, too many or too few. */
  | 'bad-class-names'
  /** A ZIP that is damaged, cut short, or uses features this reader does not support. */
  | 'damaged-archive'
  /** An entry name that would write outside its folder (../, absolute paths, backslashes). */
  | 'unsafe-path'
  /** Declares or expands to more data than allowed: a "zip bomb", or simply too big. */
  | 'archive-too-large'
  /** An entry the manifest lists is not in the archive. */
  | 'missing-entry';

export class FileFormatError extends Error {
  readonly code: FileErrorCode;
  /** Technical detail for logs and bug reports (never needed to understand the message). */
  readonly detail?: string;

  constructor(code: FileErrorCode, message: string, detail?: string) {
    super(message);
    this.name = 'FileFormatError';
    this.code = code;
    if (detail !== undefined) this.detail = detail;
  }
}

/** A classifier file ("Download classifier" / "Open classifier") that cannot be used. */
export class HeadFileError extends FileFormatError {
  constructor(code: FileErrorCode, message: string, detail?: string) {
    super(code, message, detail);
    this.name = 'HeadFileError';
  }
}

/** A project backup (.zip) that cannot be restored. */
export class BackupError extends FileFormatError {
  constructor(code: FileErrorCode, message: string, detail?: string) {
    super(code, message, detail);
    this.name = 'BackupError';
  }
}
