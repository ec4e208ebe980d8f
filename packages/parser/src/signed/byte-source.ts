import { readSync } from "node:fs";
import { ParseError } from "../parse-error.js";

/** Random access to an artefact's bytes, counting what was read: a large artefact is never read whole. */
export interface ByteSource {
  readonly size: number;
  /** Bytes read from the file so far (what a head already in memory served is not counted). */
  readonly bytesRead: number;
  /** Exactly `length` bytes at `offset`, or throws `malformed` when the artefact ends first. */
  read(offset: number, length: number, what: string): Uint8Array;
}

function truncated(what: string): ParseError {
  return new ParseError("malformed", `${what} runs past the end of the file (truncated?)`);
}

/** A source over bytes already in memory. */
export function bytesSource(bytes: Uint8Array): ByteSource {
  let bytesRead = 0;
  return {
    size: bytes.length,
    get bytesRead() {
      return bytesRead;
    },
    read(offset, length, what) {
      if (offset < 0 || length < 0 || offset + length > bytes.length) throw truncated(what);
      bytesRead += length;
      return bytes.subarray(offset, offset + length);
    },
  };
}

/**
 * A source over an open file descriptor of `size` bytes; each read is one positioned read, except what `head`
 * (the file's first bytes, already read) holds.
 */
export function fileSource(fd: number, size: number, head: Uint8Array = new Uint8Array(0)): ByteSource {
  let bytesRead = 0;
  return {
    size,
    get bytesRead() {
      return bytesRead;
    },
    read(offset, length, what) {
      if (offset < 0 || length < 0 || offset + length > size) throw truncated(what);
      if (offset + length <= head.length) return head.subarray(offset, offset + length);
      const buffer = Buffer.allocUnsafe(length);
      // Whatever part the head holds is copied, not read again.
      let done = Math.max(0, Math.min(length, head.length - offset));
      buffer.set(head.subarray(offset, offset + done));
      const fromHead = done;
      while (done < length) {
        const n = readSync(fd, buffer, done, length - done, offset + done);
        if (n === 0) throw truncated(what);
        done += n;
      }
      bytesRead += length - fromHead;
      return buffer;
    },
  };
}
