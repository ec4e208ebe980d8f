/** An entry's object type: storage (a folder), stream (a file) or the root storage. */
export const ObjectType = { storage: 1, stream: 2, root: 5 } as const;
/** The empty sibling or child link. */
export const NO_STREAM = 0xffffffff;
/** Every directory entry is 128 bytes. */
export const ENTRY_BYTES = 128;

/** One directory entry (MS-CFB 2.6): what a reader of the root storage's streams needs of it. */
export interface DirectoryEntry {
  readonly id: number;
  /** The name as written (UTF-16LE, without the terminator), compared exactly. */
  readonly name: string;
  readonly type: number;
  readonly leftSibling: number;
  readonly rightSibling: number;
  readonly child: number;
  readonly startSector: number;
  /** The stream's size in bytes (in version 3 files only the low 32 bits count). */
  readonly size: number;
}

/** The entry `id` from its 128 bytes; a name length past the 64-byte field is cut to it. */
export function parseDirectoryEntry(id: number, bytes: Uint8Array, majorVersion: 3 | 4): DirectoryEntry {
  const entry = Buffer.from(bytes.buffer, bytes.byteOffset, ENTRY_BYTES);
  // The length counts the two-byte terminator.
  const nameBytes = Math.max(0, Math.min(entry.readUInt16LE(0x40), 64) - 2) & ~1;
  const low = entry.readUInt32LE(0x78);
  const high = majorVersion === 3 ? 0 : entry.readUInt32LE(0x7c);
  return {
    id,
    name: entry.toString("utf16le", 0, nameBytes),
    type: entry[0x42]!,
    leftSibling: entry.readUInt32LE(0x44),
    rightSibling: entry.readUInt32LE(0x48),
    child: entry.readUInt32LE(0x4c),
    startSector: entry.readUInt32LE(0x74),
    size: high * 2 ** 32 + low,
  };
}
