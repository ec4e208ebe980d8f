import type { ParseErrorCode } from "./types.js";

/** A file-level failure with its stable code; the message never carries key material or passwords. */
export class ParseError extends Error {
  /** The stable code shown in JSON output and reports. */
  readonly code: ParseErrorCode;

  /** Creates a typed parse error. */
  constructor(code: ParseErrorCode, message: string) {
    super(message);
    this.name = "ParseError";
    this.code = code;
  }
}
