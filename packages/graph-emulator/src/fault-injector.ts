import type { FaultKind, FaultOptions } from "./types.js";

/** Every fault kind, in the order a seed maps onto them. */
export const ALL_FAULT_KINDS: readonly FaultKind[] = [
  "429",
  "429-http-date",
  "500",
  "502",
  "503",
  "503-retry-after",
  "504",
  "reset-before-response",
  "reset-after-create",
  "latency",
  "401-expired-token",
];

/** mulberry32: a tiny seeded PRNG, good enough to make fault sequences reproducible. */
export function mulberry32(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * Picks a fault (or none) per Graph request. Two draws are made for every request, whatever the outcome,
 * so the sequence for a seed depends only on the order of requests. `reset-after-create` only applies to a
 * create, so for other requests the kind is drawn among the remaining ones.
 */
export class FaultInjector {
  private readonly random: () => number;
  private readonly kinds: readonly FaultKind[];
  /** The kinds a request other than a create can get (a reset after create needs a create). */
  private readonly nonCreateKinds: readonly FaultKind[];

  constructor(readonly options: FaultOptions) {
    this.random = mulberry32(options.seed ?? 1);
    this.kinds = options.kinds && options.kinds.length > 0 ? options.kinds : ALL_FAULT_KINDS;
    this.nonCreateKinds = this.kinds.filter((kind) => kind !== "reset-after-create");
  }

  /** The fault for the next request, or null. */
  next(isCreate: boolean): FaultKind | null {
    const roll = this.random();
    const pick = this.random();
    if (roll >= this.options.rate) return null;
    const applicable = isCreate ? this.kinds : this.nonCreateKinds;
    return applicable[Math.floor(pick * applicable.length)] ?? null;
  }
}
