import { describe, expect, it } from "vitest";
import { ALL_FAULT_KINDS } from "./constants.js";
import { FaultInjector, mulberry32 } from "./fault-injector.js";

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
      return Array.from({ length: 50 }, (_, index) =>
        injector.next(index % 3 === 0 ? "create" : index % 3 === 1 ? "delete" : "other"),
      );
    };
    expect(sequence(7)).toEqual(sequence(7));
    expect(sequence(7)).not.toEqual(sequence(8));
  });

  it("injects at roughly the configured rate and uses every kind", () => {
    const injector = new FaultInjector({ rate: 0.3, seed: 1 });
    const picks = Array.from({ length: 6000 }, (_, index) =>
      injector.next(index % 2 === 0 ? "create" : "delete"),
    );
    const faulted = picks.filter((pick) => pick !== null);
    expect(faulted.length / picks.length).toBeGreaterThan(0.27);
    expect(faulted.length / picks.length).toBeLessThan(0.33);
    expect(new Set(faulted)).toEqual(new Set(ALL_FAULT_KINDS));
  });

  it("never injects at rate 0 and always at rate 1", () => {
    const never = new FaultInjector({ rate: 0, seed: 3 });
    const always = new FaultInjector({ rate: 1, seed: 3, kinds: ["500"] });
    for (let index = 0; index < 100; index++) {
      expect(never.next("create")).toBeNull();
      expect(always.next("other")).toBe("500");
    }
  });

  it("keeps reset-after-create for creates and reset-after-delete for deletes", () => {
    const kinds = ["reset-after-create", "reset-after-delete", "504"] as const;
    const injector = new FaultInjector({ rate: 1, seed: 5, kinds: [...kinds] });
    const picks = (request: "create" | "delete" | "other") =>
      new Set(Array.from({ length: 100 }, () => injector.next(request)));
    expect(picks("other")).toEqual(new Set(["504"]));
    expect(picks("create")).toEqual(new Set(["reset-after-create", "504"]));
    expect(picks("delete")).toEqual(new Set(["reset-after-delete", "504"]));
    const onlyCreate = new FaultInjector({ rate: 1, seed: 5, kinds: ["reset-after-create"] });
    expect(onlyCreate.next("other")).toBeNull();
    expect(onlyCreate.next("delete")).toBeNull();
    expect(onlyCreate.next("create")).toBe("reset-after-create");
  });

  it("draws for creates and other requests as before reset-after-delete existed", () => {
    const withDelete = new FaultInjector({ rate: 0.5, seed: 11 });
    const before = new FaultInjector({ rate: 0.5, seed: 11, kinds: ALL_FAULT_KINDS.slice(0, -1) });
    for (let index = 0; index < 200; index++) {
      const request = index % 2 === 0 ? "create" : "other";
      expect(withDelete.next(request)).toBe(before.next(request));
    }
  });
});
