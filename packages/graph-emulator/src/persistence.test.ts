import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { COLLECTION, createBody, startTestGraph, type TestGraph } from "@intune-codesign/testkit/emulator";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { EmulatorStartError } from "./start-error.js";

let directory: string;
let graph: TestGraph | undefined;
beforeEach(() => {
  directory = mkdtempSync(join(tmpdir(), "emulator-data-"));
});
afterEach(async () => {
  await graph?.emulator.close();
  rmSync(directory, { recursive: true, force: true });
});

describe("dataFile persistence", () => {
  it("keeps objects across restarts and rewrites the file on every change", async () => {
    const dataFile = join(directory, "tenant.json");
    graph = await startTestGraph({ dataFile });
    const created = (await (
      await graph.call("POST", COLLECTION, createBody({ subjectName: "kept" }))
    ).json()) as {
      id: string;
    };
    const [gone] = graph.emulator.seed([{ subjectName: "gone" }]);
    expect((await graph.call("DELETE", `${COLLECTION}/${gone?.id}`)).status).toBe(204);
    expect((await graph.call("PATCH", `${COLLECTION}/${created.id}`, { status: "provisioned" })).status).toBe(
      204,
    );
    const before = graph.emulator.objects();
    expect(JSON.parse(readFileSync(dataFile, "utf8"))).toEqual({ objects: before });
    expect(readdirSync(directory)).toEqual(["tenant.json"]);
    await graph.emulator.close();

    graph = await startTestGraph({ dataFile });
    expect(graph.emulator.objects()).toEqual(before);
    expect(graph.emulator.objects()[0]).toMatchObject({
      id: created.id,
      subjectName: "kept",
      status: "provisioned",
    });
    expect((await graph.call("GET", `${COLLECTION}/${created.id}`)).status).toBe(200);
  });

  it("starts empty and creates the file when it does not exist yet", async () => {
    const dataFile = join(directory, "new.json");
    graph = await startTestGraph({ dataFile });
    expect(graph.emulator.objects()).toEqual([]);
    expect(JSON.parse(readFileSync(dataFile, "utf8"))).toEqual({ objects: [] });
  });

  it("refuses to start on an unwritable path or a corrupt file, saying which and why", async () => {
    const missing = join(directory, "missing-dir", "data.json");
    await expect(startTestGraph({ dataFile: missing })).rejects.toThrow(
      new EmulatorStartError(`cannot use the data file ${missing}: no such file or directory`, "ENOENT"),
    );
    const corrupt = join(directory, "corrupt.json");
    writeFileSync(corrupt, "{ half");
    const error = await startTestGraph({ dataFile: corrupt }).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(EmulatorStartError);
    expect((error as Error).message).toMatch(new RegExp(`^cannot use the data file ${corrupt}: .*JSON`));
    expect(readFileSync(corrupt, "utf8")).toBe("{ half");
  });
});
