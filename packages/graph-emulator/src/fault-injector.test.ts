import { describe, expect, it } from "vitest";
import { ALL_FAULT_KINDS, FaultInjector, mulberry32 } from "./fault-injector.js";

describe("mulberry32", () => {
  it("is reproducible for a seed and differs between seeds", () => {
    const a = mulberry32(42);
    const b = mulberry32(42);
    const c = mulberry32(43);
    const first = [a(), a(), a()];
    expect([b(), b(), b()]).toEqual(first);
    expect(c()).not.toBe(first[0]);
    expect(first.every((value) => value >= 0 && value < 1)).toBe(true);
  });
});

describe("FaultInjector", () => {
  it("gives the same sequence for the same seed", () => {
    const sequence = (seed: number) => {
      const injector = new FaultInjector({ rate: 0.5, seed });
      return Array.from({ length: 50 }, (_, index) => injector.next(index % 3 === 0));
    };
    expect(sequence(7)).toEqual(sequence(7));
    expect(sequence(7)).not.toEqual(sequence(8));
  });

  it("injects at roughly the configured rate and uses every kind", () => {
    const injector = new FaultInjector({ rate: 0.3, seed: 1 });
    const picks = Array.from({ length: 5000 }, () => injector.next(true));
    const faulted = picks.filter((pick) => pick !== null);
    expect(faulted.length / picks.length).toBeGreaterThan(0.27);
    expect(faulted.length / picks.length).toBeLessThan(0.33);
    expect(new Set(faulted)).toEqual(new Set(ALL_FAULT_KINDS));
  });

  it("never injects at rate 0 and always at rate 1", () => {
    const never = new FaultInjector({ rate: 0, seed: 3 });
    const always = new FaultInjector({ rate: 1, seed: 3, kinds: ["500"] });
    for (let index = 0; index < 100; index++) {
      expect(never.next(true)).toBeNull();
      expect(always.next(false)).toBe("500");
    }
  });

  it("keeps reset-after-create for creates", () => {
    const injector = new FaultInjector({ rate: 1, seed: 5, kinds: ["reset-after-create", "504"] });
    const picks = Array.from({ length: 100 }, () => injector.next(false));
    expect(new Set(picks)).toEqual(new Set(["504"]));
    const onlyCreate = new FaultInjector({ rate: 1, seed: 5, kinds: ["reset-after-create"] });
    expect(onlyCreate.next(false)).toBeNull();
    expect(onlyCreate.next(true)).toBe("reset-after-create");
  });
});
