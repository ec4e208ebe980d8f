// An OLE compound file (MS-CFB) read through positioned reads: only the header, the allocation-table sectors of
// the chains followed, the directory sectors of the entries visited and the stream asked for are read. Written by
// hand: the npm readers (cfb, cfb-reader) parse a whole file held in memory, none reads lazily from a file.
import type { ByteSource } from "./byte-source.js";
import {
  type CompoundFileHeader,
  hex,
  malformedCompoundFile,
  readCompoundFileHeader,
} from "./compound-file-header.js";
import {
  type DirectoryEntry,
  ENTRY_BYTES,
  NO_STREAM,
  ObjectType,
  parseDirectoryEntry,
} from "./directory-entry.js";
import { type ChainSpace, MAX_REGULAR_SECTOR, SectorChain } from "./sector-chain.js";

/** A root storage with more children than this is refused: an MSI's root holds hundreds of streams, not millions. */
export const MAX_ROOT_ENTRIES = 65536;
/** Entries per header DIFAT; each DIFAT sector lists one fewer FAT sector than it has entries (the last links on). */
const HEADER_DIFAT_ENTRIES = 109;

/** One contiguous range of the file that a stream's bytes come from, in stream order. */
interface Piece {
  offset: number;
  length: number;
}

/** A compound file opened over a byte source: its header read and checked, everything else read when asked. */
export class CompoundFile {
  private readonly entriesPerSector: number;
  private readonly fatSectors = new Map<number, Buffer>();
  private readonly difatSectors = new Set<number>();
  private readonly difatContents: Buffer[] = [];
  private readonly directorySectors = new Map<number, Uint8Array>();
  private readonly miniFatSectors = new Map<number, Buffer>();
  private readonly fileSpace: ChainSpace;
  private readonly directory: SectorChain;
  private readonly miniFat: SectorChain;
  private miniStreamChain: SectorChain | null = null;
  /** The root storage (entry 0), whose stream is the mini stream. */
  readonly root: DirectoryEntry;

  private constructor(
    private readonly source: ByteSource,
    private readonly header: CompoundFileHeader,
  ) {
    this.entriesPerSector = header.sectorSize / 4;
    this.fileSpace = {
      unit: "sector",
      count: Math.max(0, Math.ceil((source.size - header.sectorSize) / header.sectorSize)),
      end: "the file",
      next: (sector) => this.fatEntry(sector),
    };
    this.directory = new SectorChain(header.firstDirectorySector, this.fileSpace, "the directory");
    this.miniFat = new SectorChain(header.firstMiniFatSector, this.fileSpace, "the mini FAT");
    this.root = this.entry(0);
    if (this.root.type !== ObjectType.root)
      throw malformedCompoundFile(`entry 0 is not the root storage (object type ${this.root.type})`);
  }

  /** Reads and checks the header and the root entry. */
  static open(source: ByteSource): CompoundFile {
    return new CompoundFile(source, readCompoundFileHeader(source));
  }

  /**
   * The stream called `name` directly in the root storage, or null. The root's children form a tree through their
   * sibling links; it is walked whole rather than searched by name order, so that a tree a writer misordered still
   * yields its stream, without descending into child storages, each entry at most once.
   */
  rootStream(name: string): DirectoryEntry | null {
    const seen = new Set<number>([0]);
    const pending = [this.root.child];
    while (pending.length > 0) {
      const id = pending.pop()!;
      if (id === NO_STREAM) continue;
      if (seen.has(id))
        throw malformedCompoundFile(`the root storage's sibling tree reaches entry ${id} twice`);
      if (seen.size > MAX_ROOT_ENTRIES)
        throw malformedCompoundFile(`the root storage holds more than ${MAX_ROOT_ENTRIES} entries`);
      seen.add(id);
      const entry = this.entry(id);
      if (entry.type === ObjectType.stream && entry.name === name) return entry;
      pending.push(entry.rightSibling, entry.leftSibling);
    }
    return null;
  }

  /**
   * A stream's bytes, following its chain only as far as its size needs. The caller bounds `entry.size`: this
   * allocates that much. `what` names the stream in messages.
   */
  readStream(entry: DirectoryEntry, what: string): Uint8Array {
    const pieces =
      entry.size < this.header.miniStreamCutoff ? this.miniPieces(entry, what) : this.pieces(entry, what);
    const bytes = new Uint8Array(entry.size);
    let at = 0;
    for (const { offset, length } of pieces) {
      if (offset + length > this.source.size)
        throw malformedCompoundFile(`${what} is cut short by the end of the file`);
      bytes.set(this.source.read(offset, length, what), at);
      at += length;
    }
    return bytes;
  }

  /** The file ranges of a stream stored in regular sectors. */
  private pieces(entry: DirectoryEntry, what: string): Piece[] {
    const { sectorSize } = this.header;
    const chain = new SectorChain(entry.startSector, this.fileSpace, what);
    const count = Math.ceil(entry.size / sectorSize);
    const pieces: Piece[] = [];
    for (let i = 0; i < count; i++) {
      const sector = chain.at(i);
      if (sector === null) throw malformedCompoundFile(`${what} chain ends after ${i} of ${count} sectors`);
      addPiece(pieces, this.sectorOffset(sector), Math.min(sectorSize, entry.size - i * sectorSize));
    }
    return pieces;
  }

  /** The file ranges of a stream stored in mini sectors, each inside a sector of the mini stream. */
  private miniPieces(entry: DirectoryEntry, what: string): Piece[] {
    const { sectorSize, miniSectorSize } = this.header;
    const miniSpace: ChainSpace = {
      unit: "mini sector",
      count: Math.ceil(this.root.size / miniSectorSize),
      end: "the mini stream",
      next: (sector) => this.miniFatEntry(sector),
    };
    const chain = new SectorChain(entry.startSector, miniSpace, what);
    const count = Math.ceil(entry.size / miniSectorSize);
    const pieces: Piece[] = [];
    for (let i = 0; i < count; i++) {
      const mini = chain.at(i);
      if (mini === null)
        throw malformedCompoundFile(`${what} chain ends after ${i} of ${count} mini sectors`);
      const position = mini * miniSectorSize;
      const index = Math.floor(position / sectorSize);
      const sector = this.miniStream().at(index);
      if (sector === null)
        throw malformedCompoundFile(
          `the mini stream chain ends after ${index} sectors, before mini sector ${mini}`,
        );
      const length = Math.min(miniSectorSize, entry.size - i * miniSectorSize);
      addPiece(pieces, this.sectorOffset(sector) + (position % sectorSize), length);
    }
    return pieces;
  }

  private miniStream(): SectorChain {
    this.miniStreamChain ??= new SectorChain(this.root.startSector, this.fileSpace, "the mini stream");
    return this.miniStreamChain;
  }

  /** Directory entry `id`, reading the directory sector that holds it (once). */
  private entry(id: number): DirectoryEntry {
    const perSector = this.header.sectorSize / ENTRY_BYTES;
    const index = Math.floor(id / perSector);
    let sector = this.directorySectors.get(index);
    if (!sector) {
      const at = this.directory.at(index);
      if (at === null)
        throw malformedCompoundFile(
          `directory entry ${id} is past the end of the directory (${this.directory.followed} sectors)`,
        );
      sector = this.readSector(at, "a directory");
      this.directorySectors.set(index, sector);
    }
    const offset = (id % perSector) * ENTRY_BYTES;
    return parseDirectoryEntry(id, sector.subarray(offset, offset + ENTRY_BYTES), this.header.majorVersion);
  }

  /** The FAT entry of `sector`: the next sector in its chain. */
  private fatEntry(sector: number): number {
    const index = Math.floor(sector / this.entriesPerSector);
    if (index >= this.header.fatSectors)
      throw malformedCompoundFile(
        `sector ${sector} lies beyond the FAT (${this.header.fatSectors} FAT sectors)`,
      );
    let fat = this.fatSectors.get(index);
    if (!fat) {
      fat = Buffer.from(this.readSector(this.fatSectorLocation(index), "a FAT"));
      this.fatSectors.set(index, fat);
    }
    return fat.readUInt32LE((sector % this.entriesPerSector) * 4);
  }

  /** The mini FAT entry of mini sector `mini`: the next mini sector in its chain. */
  private miniFatEntry(mini: number): number {
    const index = Math.floor(mini / this.entriesPerSector);
    let table = this.miniFatSectors.get(index);
    if (!table) {
      const at = index < this.header.miniFatSectors ? this.miniFat.at(index) : null;
      if (at === null) throw malformedCompoundFile(`mini sector ${mini} lies beyond the mini FAT`);
      table = Buffer.from(this.readSector(at, "a mini FAT"));
      this.miniFatSectors.set(index, table);
    }
    return table.readUInt32LE((mini % this.entriesPerSector) * 4);
  }

  /** Where FAT sector `index` is: in the header's DIFAT, or further down the DIFAT sector chain. */
  private fatSectorLocation(index: number): number {
    let location: number;
    if (index < HEADER_DIFAT_ENTRIES) location = this.header.difat[index]!;
    else {
      const listed = this.entriesPerSector - 1;
      const difat = this.difatSector(Math.floor((index - HEADER_DIFAT_ENTRIES) / listed));
      location = difat.readUInt32LE(((index - HEADER_DIFAT_ENTRIES) % listed) * 4);
    }
    if (location > MAX_REGULAR_SECTOR || location >= this.fileSpace.count)
      throw malformedCompoundFile(`FAT sector ${index} is at 0x${hex(location)}, not a sector of the file`);
    return location;
  }

  /** The `index`-th DIFAT sector's contents; each one's last entry names the next. */
  private difatSector(index: number): Buffer {
    while (this.difatContents.length <= index) {
      const count = this.difatContents.length;
      if (count >= this.header.difatSectors)
        throw malformedCompoundFile(
          `the DIFAT lists ${count} sectors, too few for the FAT's ${this.header.fatSectors}`,
        );
      const sector =
        count === 0
          ? this.header.firstDifatSector
          : this.difatContents[count - 1]!.readUInt32LE(this.header.sectorSize - 4);
      if (sector > MAX_REGULAR_SECTOR || sector >= this.fileSpace.count)
        throw malformedCompoundFile(`DIFAT sector ${count} is at 0x${hex(sector)}, not a sector of the file`);
      if (this.difatSectors.has(sector))
        throw malformedCompoundFile(`the DIFAT chain loops back to sector ${sector}`);
      this.difatSectors.add(sector);
      this.difatContents.push(Buffer.from(this.readSector(sector, "a DIFAT")));
    }
    return this.difatContents[index]!;
  }

  private sectorOffset(sector: number): number {
    return (sector + 1) * this.header.sectorSize;
  }

  /** A whole sector of the structure (FAT, DIFAT, directory); `what` is "a FAT" and the like. */
  private readSector(sector: number, what: string): Uint8Array {
    const offset = this.sectorOffset(sector);
    if (offset + this.header.sectorSize > this.source.size)
      throw malformedCompoundFile(`${what} sector (${sector}) is cut short by the end of the file`);
    return this.source.read(offset, this.header.sectorSize, `${what} sector`);
  }
}

/** Appends a range, joining it to the previous one when they touch, so that consecutive sectors are one read. */
function addPiece(pieces: Piece[], offset: number, length: number): void {
  const last = pieces.at(-1);
  if (last && last.offset + last.length === offset) last.length += length;
  else pieces.push({ offset, length });
}
