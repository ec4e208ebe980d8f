import { ParseError } from "../parse-error.js";
import type { ByteSource } from "./byte-source.js";

const SIGNATURE = [0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1];
/** The header's fields fill its first 512 bytes; in version 4 the rest of its 4096-byte sector is padding. */
const HEADER_BYTES = 512;
const HEADER_DIFAT_ENTRIES = 109;

/** The header of an OLE compound file (MS-CFB 2.2), checked. */
export interface CompoundFileHeader {
  readonly majorVersion: 3 | 4;
  /** 512 (version 3) or 4096 (version 4); sector n starts at (n + 1) × sectorSize. */
  readonly sectorSize: number;
  readonly miniSectorSize: number;
  /** Streams smaller than this live in mini sectors inside the root entry's mini stream. */
  readonly miniStreamCutoff: number;
  readonly fatSectors: number;
  readonly firstDirectorySector: number;
  readonly firstMiniFatSector: number;
  readonly miniFatSectors: number;
  readonly firstDifatSector: number;
  readonly difatSectors: number;
  /** The locations of the first 109 FAT sectors; the DIFAT sector chain lists the rest. */
  readonly difat: readonly number[];
}

/** The error for anything wrong in a compound file's structure: what is wrong, in parentheses. */
export function malformedCompoundFile(reason: string): ParseError {
  return new ParseError("malformed", `MSI: not a readable compound file (${reason})`);
}

/** Reads and checks the header: every field a reader relies on is refused unless it is what MS-CFB allows. */
export function readCompoundFileHeader(source: ByteSource): CompoundFileHeader {
  if (source.size < HEADER_BYTES)
    throw malformedCompoundFile(`the header is cut short: the file is ${source.size} bytes`);
  const header = Buffer.from(source.read(0, HEADER_BYTES, "the compound file header"));
  if (!SIGNATURE.every((byte, i) => header[i] === byte))
    throw malformedCompoundFile("no compound file signature");
  const byteOrder = header.readUInt16LE(0x1c);
  if (byteOrder !== 0xfffe) throw malformedCompoundFile(`byte order mark 0x${hex(byteOrder, 4)}, not 0xFFFE`);
  const majorVersion = header.readUInt16LE(0x1a);
  if (majorVersion !== 3 && majorVersion !== 4)
    throw malformedCompoundFile(`major version ${majorVersion}, not 3 or 4`);
  const sectorShift = header.readUInt16LE(0x1e);
  const expectedShift = majorVersion === 3 ? 9 : 12;
  if (sectorShift !== expectedShift)
    throw malformedCompoundFile(
      `sector shift ${sectorShift} in a version ${majorVersion} file, not ${expectedShift}`,
    );
  const miniSectorShift = header.readUInt16LE(0x20);
  if (miniSectorShift !== 6) throw malformedCompoundFile(`mini sector shift ${miniSectorShift}, not 6`);
  const miniStreamCutoff = header.readUInt32LE(0x38);
  if (miniStreamCutoff !== 4096)
    throw malformedCompoundFile(`mini stream cutoff ${miniStreamCutoff}, not 4096`);
  const difat: number[] = [];
  for (let i = 0; i < HEADER_DIFAT_ENTRIES; i++) difat.push(header.readUInt32LE(0x4c + 4 * i));
  return {
    majorVersion,
    sectorSize: 2 ** sectorShift,
    miniSectorSize: 2 ** miniSectorShift,
    miniStreamCutoff,
    fatSectors: header.readUInt32LE(0x2c),
    firstDirectorySector: header.readUInt32LE(0x30),
    firstMiniFatSector: header.readUInt32LE(0x3c),
    miniFatSectors: header.readUInt32LE(0x40),
    firstDifatSector: header.readUInt32LE(0x44),
    difatSectors: header.readUInt32LE(0x48),
    difat,
  };
}

/** `value` in upper-case hexadecimal, `digits` wide. */
export function hex(value: number, digits = 8): string {
  return value.toString(16).toUpperCase().padStart(digits, "0");
}
