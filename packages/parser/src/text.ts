/** Bytes as text, one character per byte (Latin-1): the project's one byte-string conversion. */
export function latin1Text(bytes: Uint8Array): string {
  // Name values and times are a few dozen bytes: building them in JS skips a Buffer and a native call each.
  if (bytes.length <= 64) return String.fromCharCode.apply(null, bytes as unknown as number[]);
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString("latin1");
}

/**
 * Reads a file's bytes as text for PEM and base64 detection. A BOM decides the encoding (Windows
 * PowerShell redirection writes UTF-16 with one); without a BOM, Latin-1 keeps every byte as one
 * character, which is all the ASCII armour and base64 need.
 */
export function bytesToText(bytes: Uint8Array): string {
  const b0 = bytes[0];
  const b1 = bytes[1];
  if (b0 === 0xef && b1 === 0xbb && bytes[2] === 0xbf) return latin1Text(bytes.subarray(3));
  if (b0 === 0xff && b1 === 0xfe) return Buffer.from(evenPrefix(bytes.subarray(2))).toString("utf16le");
  if (b0 === 0xfe && b1 === 0xff)
    return Buffer.from(evenPrefix(bytes.subarray(2)))
      .swap16()
      .toString("utf16le");
  return latin1Text(bytes);
}

function evenPrefix(bytes: Uint8Array): Uint8Array {
  return Uint8Array.prototype.slice.call(bytes, 0, bytes.length - (bytes.length % 2));
}
