export type HeadErrorCode =
  | 'too-few-classes'
  | 'empty-class'
  | 'length-mismatch'
  | 'dimension-mismatch'
  | 'non-finite-value'
  | 'invalid-label'
  | 'incompatible-model';

/**
 * Raised for input the head cannot learn from or predict on. The message is meant to be shown
 * to the user as is; `code` lets the UI react without parsing text, and `exampleIndex` points at
 * the offending photo when there is one.
 */
export class HeadError extends Error {
  readonly code: HeadErrorCode;
  readonly exampleIndex?: number;

  constructor(code: HeadErrorCode, message: string, exampleIndex?: number) {
    super(message);
    this.name = 'HeadError';
    this.code = code;
    if (exampleIndex !== undefined) this.exampleIndex = exampleIndex;
  }
}
