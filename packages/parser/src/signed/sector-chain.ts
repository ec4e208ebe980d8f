import { hex, malformedCompoundFile } from "./compound-file-header.js";

/** The allocation tables' end-of-chain mark. */
export const END_OF_CHAIN = 0xfffffffe;
/** Values above this are marks (free, end of chain, FAT or DIFAT sector), never a sector number. */
export const MAX_REGULAR_SECTOR = 0xfffffffa;
/**
 * A chain longer than this is refused, which bounds what following one holds in memory: 128 MiB of 512-byte
 * sectors, far more than an MSI's directory, mini stream or mini FAT.
 */
export const MAX_CHAIN_SECTORS = 1 << 18;

/** How a chain's sectors are numbered and checked: regular sectors of the file, or mini sectors of the mini stream. */
export interface ChainSpace {
  /** "sector" or "mini sector", for messages. */
  readonly unit: string;
  /** How many such sectors exist; a number at or above it is past the end. */
  readonly count: number;
  /** Where the end is, for messages ("the file", "the mini stream"). */
  readonly end: string;
  /** The number of the sector after `sector` in its chain (its allocation table entry). */
  next(sector: number): number;
}

/**
 * A sector chain followed through its allocation table only as far as asked, each link read once. Every number it
 * hands out is a sector that exists, and no sector comes twice: a looping chain is refused where it loops.
 */
export class SectorChain {
  private readonly sectors: number[] = [];
  private readonly seen = new Set<number>();
  private ended = false;

  /** A chain from `start` in `space`; `what` names it in messages ("the directory"). */
  constructor(
    private readonly start: number,
    private readonly space: ChainSpace,
    private readonly what: string,
  ) {}

  /** How many sectors have been followed so far. */
  get followed(): number {
    return this.sectors.length;
  }

  /** The chain's `index`-th sector (from 0), or null when the chain ends before it. */
  at(index: number): number | null {
    while (this.sectors.length <= index && !this.ended) {
      const last = this.sectors.at(-1);
      const sector = last === undefined ? this.start : this.space.next(last);
      if (sector === END_OF_CHAIN) this.ended = true;
      else this.add(sector);
    }
    return this.sectors[index] ?? null;
  }

  private add(sector: number): void {
    const { unit, count, end } = this.space;
    if (sector > MAX_REGULAR_SECTOR)
      throw malformedCompoundFile(`${this.what} chain reaches the mark 0x${hex(sector)}, not a ${unit}`);
    if (sector >= count)
      throw malformedCompoundFile(
        `${this.what} chain names ${unit} ${sector}, past the end of ${end} (${count} ${unit}s)`,
      );
    if (this.seen.has(sector))
      throw malformedCompoundFile(`${this.what} chain loops back to ${unit} ${sector}`);
    if (this.sectors.length === MAX_CHAIN_SECTORS)
      throw malformedCompoundFile(`${this.what} chain is longer than ${MAX_CHAIN_SECTORS} ${unit}s`);
    this.seen.add(sector);
    this.sectors.push(sector);
  }
}
