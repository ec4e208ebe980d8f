import { describe, expect, it } from "vitest";
import {
  algorithmOf,
  childrenOf,
  contentOf,
  decodeBer,
  encodingOf,
  explicitOf,
  firstChildren,
  integerOf,
  isContext,
  isUniversal,
  octetsOf,
  oidOf,
  Tag,
  unsignedIntegerOf,
} from "./asn1.js";

const bytes = (hex: string) => new Uint8Array(Buffer.from(hex.replaceAll(" ", ""), "hex"));
const hex = (data: Uint8Array) => Buffer.from(data).toString("hex");

/** An OBJECT IDENTIFIER element with the given content octets. */
const oid = (content: string) =>
  decodeBer(bytes(`06 ${(content.length / 2).toString(16).padStart(2, "0")} ${content}`));

describe("decodeBer", () => {
  it("reads a definite-length tree, its encodings and contents, and ignores trailing bytes", () => {
    const root = decodeBer(bytes("30 08 02 01 05 a0 03 04 01 ff 99 99"));
    expect(root && hex(encodingOf(root))).toBe("3008020105a0030401ff");
    const [integer, tagged] = childrenOf(root!);
    expect(integerOf(integer, "n")).toBe(5n);
    expect(isContext(tagged, 0)).toBe(true);
    expect(hex(contentOf(childrenOf(tagged!)[0]!))).toBe("ff");
  });

  it("reads indefinite lengths and joins the segments of a constructed OCTET STRING", () => {
    const root = decodeBer(bytes("30 80 24 80 04 02 aa bb 04 01 cc 00 00 02 01 01 00 00 ee"));
    expect(root?.end).toBe(18);
    const [octets, integer] = childrenOf(root!);
    expect(hex(contentOf(octets!))).toBe("aabbcc");
    expect(integerOf(integer, "n")).toBe(1n);
    expect(hex(encodingOf(root!))).toBe("308024800402aabb0401cc0000020101" + "0000");
  });

  it.each([
    ["a length past the end", "30 05 02 01 05"],
    ["a child overrunning its parent", "30 03 02 02 05 06"],
    ["a parent longer than its children", "30 04 02 01 05 00"],
    ["end-of-contents inside a definite length", "30 04 02 01 05 00 00"],
    ["an indefinite length without end-of-contents", "30 80 02 01 05"],
    ["an indefinite length on a primitive", "04 80 00 00"],
    ["a length of more than six bytes", "04 87 00 00 00 00 00 00 01 ff"],
    ["a tag number cut off", "1f 81"],
    ["nothing", ""],
  ])("refuses %s", (_, input) => {
    expect(decodeBer(bytes(input))).toBeNull();
  });

  it("reads high tag numbers", () => {
    const root = decodeBer(bytes("bf 87 68 03 02 01 07"));
    expect(root).toMatchObject({ tagClass: 2, tagNumber: 1000, constructed: true });
  });

  it("checks nesting of any depth without overflowing the stack, and builds only what is asked for", () => {
    const depth = 200_000;
    const nested = new Uint8Array(depth * 2 + 2);
    for (let i = 0; i < depth; i++) nested.set([0x30, 0x80], i * 2);
    const broken = decodeBer(nested);
    expect(broken).toBeNull();
    const closed = new Uint8Array(depth * 4);
    for (let i = 0; i < depth; i++) closed.set([0x30, 0x80], i * 2);
    const root = decodeBer(closed);
    expect(root?.end).toBe(closed.length);
    expect(root?.children).toBeUndefined();
  });

  it("reads only the first children when asked, however many follow", () => {
    const count = 100_000;
    const content = Buffer.alloc(count * 2);
    for (let i = 0; i < count; i++) content.set([0x05, 0x00], i * 2);
    const root = decodeBer(new Uint8Array(Buffer.concat([bytes("30 83 03 0d 40"), content])));
    expect(firstChildren(root!, 3)).toHaveLength(3);
    expect(root?.children).toBeUndefined();
    expect(childrenOf(root!)).toHaveLength(count);
  });
});

describe("oidOf", () => {
  it.each([
    ["2a 86 48 86 f7 0d 01 01 0b", "1.2.840.113549.1.1.11"],
    ["55 04 03", "2.5.4.3"],
    ["00", "0.0"],
    ["27", "0.39"],
    ["4f", "1.39"],
    ["88 37", "2.999"],
    // A UUID arc (2.25.x) and a first arc past 2^53 keep every digit.
    [
      "69 83 f0 9d a7 eb cf de e0 c7 a1 a7 b2 c0 94 8c c8 f9 d7 76",
      "2.25.329800735698586629295641978511506172918",
    ],
    ["ff ff ff ff ff ff ff ff 7f", "2.9223372036854775727"],
  ])("%s is %s", (content, dotted) => {
    expect(oidOf(oid(content.replaceAll(" ", "")) ?? undefined, "x")).toBe(dotted);
  });

  it("refuses content that ends inside an arc, and elements that are not OBJECT IDENTIFIERs", () => {
    expect(() => oidOf(oid("2a86") ?? undefined, "test")).toThrow("OBJECT IDENTIFIER ends inside an arc");
    expect(() => oidOf(decodeBer(bytes("02 01 05")) ?? undefined, "test")).toThrow(
      "test: expected an OBJECT IDENTIFIER",
    );
  });

  it("tells universal from context-specific tags", () => {
    const block = decodeBer(bytes("a0 00"));
    expect(isContext(block ?? undefined, 0)).toBe(true);
    expect(isUniversal(block ?? undefined, Tag.sequence)).toBe(false);
  });
});

describe("decodeBer whole", () => {
  it("takes an element that fills the bytes exactly, indefinite lengths included", () => {
    expect(decodeBer(bytes("30 03 02 01 05"), true)?.end).toBe(5);
    expect(decodeBer(bytes("30 80 02 01 05 00 00"), true)?.end).toBe(7);
  });

  it.each([
    ["trailing bytes, as a wrong key leaves them", "30 03 02 01 05 8f"],
    ["trailing end-of-contents octets", "30 03 02 01 05 00 00"],
    ["a broken element", "30 04 02 01 05"],
  ])("refuses %s", (_, input) => {
    expect(decodeBer(bytes(input), true)).toBeNull();
    expect(decodeBer(bytes(input), false) === null).toBe(input === "30 04 02 01 05");
  });
});

describe("field readers", () => {
  it("explicitOf opens an explicit [n] wrapper and nothing else", () => {
    const root = decodeBer(bytes("30 0a a0 03 02 01 07 a1 03 02 01 08"));
    const [zero, one] = childrenOf(root!);
    expect(integerOf(explicitOf(zero, 0), "n")).toBe(7n);
    expect(explicitOf(one, 0)).toBeUndefined();
    expect(explicitOf(decodeBer(bytes("80 01 07")) ?? undefined, 0)).toBeUndefined();
  });

  it("octetsOf joins a BER-segmented OCTET STRING and refuses other elements", () => {
    expect(hex(octetsOf(decodeBer(bytes("24 80 04 01 aa 04 02 bb cc 00 00")) ?? undefined, "x"))).toBe(
      "aabbcc",
    );
    expect(() => octetsOf(decodeBer(bytes("02 01 05")) ?? undefined, "salt")).toThrow(
      "salt: expected an OCTET STRING",
    );
  });

  it("unsignedIntegerOf refuses a negative count", () => {
    expect(unsignedIntegerOf(decodeBer(bytes("02 02 00 ff")) ?? undefined, "n")).toBe(255n);
    expect(() => unsignedIntegerOf(decodeBer(bytes("02 01 ff")) ?? undefined, "iterations")).toThrow(
      "iterations: negative INTEGER",
    );
  });

  it("algorithmOf reads an AlgorithmIdentifier with and without parameters", () => {
    const sha256 = decodeBer(bytes("30 0d 06 09 60 86 48 01 65 03 04 02 01 05 00"));
    const { oid: id, parameters } = algorithmOf(sha256 ?? undefined, "digest");
    expect([id, parameters && hex(encodingOf(parameters))]).toEqual(["2.16.840.1.101.3.4.2.1", "0500"]);
    expect(algorithmOf(decodeBer(bytes("30 03 06 01 2a")) ?? undefined, "x")).toEqual({
      oid: "1.2",
      parameters: undefined,
    });
    expect(() => algorithmOf(decodeBer(bytes("31 03 06 01 2a")) ?? undefined, "PRF")).toThrow(
      "PRF: unexpected ASN.1 structure",
    );
  });
});
