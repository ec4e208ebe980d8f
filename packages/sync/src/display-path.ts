import { isUtf8 } from "node:buffer";

/**
 * Renders a path held as bytes for humans and JSON: valid UTF-8 stays as is, each invalid byte becomes `\xNN`,
 * so a file name with invalid UTF-8 is still shown unambiguously.
 */
export function displayPath(path: Buffer): string {
  if (isUtf8(path)) return path.toString("utf8");
  let out = "";
  let i = 0;
  while (i < path.length) {
    const length = utf8SequenceLength(path, i);
    if (length === 0) {
      out += `\\x${path[i]!.toString(16).padStart(2, "0")}`;
      i += 1;
    } else {
      out += path.subarray(i, i + length).toString("utf8");
      i += length;
    }
  }
  return out;
}

/** Length of the valid UTF-8 sequence starting at `i`, or 0 when the byte there does not start one. */
function utf8SequenceLength(bytes: Buffer, i: number): number {
  const first = bytes[i]!;
  const length =
    first < 0x80
      ? 1
      : first >= 0xc2 && first <= 0xdf
        ? 2
        : first >= 0xe0 && first <= 0xef
          ? 3
          : first >= 0xf0 && first <= 0xf4
            ? 4
            : 0;
  if (length <= 1 || i + length > bytes.length) return length === 1 ? 1 : 0;
  return isUtf8(bytes.subarray(i, i + length)) ? length : 0;
}
