import { ALL_FAULT_KINDS } from "./constants.js";
import type { FaultKind, FaultOptions } from "./types.js";

/** What a request does, as far as faults care: only a create can be reset after it, only a delete likewise. */
export type RequestKind = "create" | "delete" | "other";

/** The fault kinds that apply the request and then drop the connection, and the request each needs. */
const RESET_AFTER: Partial<Record<FaultKind, RequestKind>> = {
  "reset-after-create": "create",
  "reset-after-delete": "delete",
};

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

/** Whether a fault applies the request and then drops the connection, so its answer is lost. */
export function resetsAfterApplying(fault: FaultKind | null): boolean {
  return fault !== null && RESET_AFTER[fault] !== undefined;
}

/**
 * Picks a fault (or none) per Graph request. Two draws are made for every request, whatever the outcome,
 * so the sequence for a seed depends only on the order of requests. A reset after applying needs a request of
 * its kind (`reset-after-create` a create, `reset-after-delete` a delete), so each request kind draws among
 * the kinds that apply to it.
 */
export class FaultInjector {
  private readonly random: () => number;
  private readonly applicable: Record<RequestKind, readonly FaultKind[]>;

  constructor(readonly options: FaultOptions) {
    this.random = mulberry32(options.seed ?? 1);
    const kinds = options.kinds && options.kinds.length > 0 ? options.kinds : ALL_FAULT_KINDS;
    const forKind = (request: RequestKind) =>
      kinds.filter((kind) => (RESET_AFTER[kind] ?? request) === request);
    this.applicable = { create: forKind("create"), delete: forKind("delete"), other: forKind("other") };
  }

  /** The fault for the next request, or null. */
  next(request: RequestKind): FaultKind | null {
    const roll = this.random();
    const pick = this.random();
    if (roll >= this.options.rate) return null;
    const applicable = this.applicable[request];
    return applicable[Math.floor(pick * applicable.length)] ?? null;
  }
}
