import { createHmac, pbkdf2Sync, timingSafeEqual } from "node:crypto";
import {
  type Asn1Block,
  algorithmOf,
  expectConstructed,
  isUniversal,
  octetsOf,
  Tag,
  unsignedIntegerOf,
} from "./asn1.js";
import { chargeKdfWork, checkIterations } from "./kdf-budget.js";
import { ParseError } from "./parse-error.js";
import { DIGESTS, PBE_OID, PRFS } from "./pbe-algorithms.js";
import { Pkcs12KeyId, pkcs12Kdf } from "./pkcs12-kdf.js";
import { bmpPassword, type Pkcs12Password, utf8Password } from "./pkcs12-password.js";

/** A PFX's MacData, read once; `matches` derives the key for one password candidate and checks the MAC. */
export interface Pkcs12Mac {
  matches(password: Pkcs12Password): boolean;
}

function equal(actual: Buffer, expected: Uint8Array): boolean {
  return actual.length === expected.length && timingSafeEqual(actual, expected);
}

/** RFC 9579 PBMAC1: PBKDF2 over the UTF-8 password, then HMAC; MacData's own salt and count are not used. */
function pbmac1(parameters: Asn1Block | undefined, expected: Uint8Array, authSafe: Uint8Array): Pkcs12Mac {
  const [kdfNode, schemeNode] = expectConstructed(parameters, Tag.sequence, "PBMAC1 parameters");
  const kdf = algorithmOf(kdfNode, "PBMAC1 key derivation");
  if (kdf.oid !== PBE_OID.pbkdf2)
    throw new ParseError("unsupported", `PBMAC1 key derivation ${kdf.oid} is not supported`);
  const [salt, iterationsNode, ...rest] = expectConstructed(
    kdf.parameters,
    Tag.sequence,
    "PBMAC1 PBKDF2 parameters",
  );
  const iterations = checkIterations(unsignedIntegerOf(iterationsNode, "PBMAC1 iterations"), "PBMAC1");
  const lengthNode = rest.find((node) => isUniversal(node, Tag.integer));
  const prfNode = rest.find((node) => !isUniversal(node, Tag.integer));
  const prfOid = prfNode ? algorithmOf(prfNode, "PBMAC1 PRF").oid : "1.2.840.113549.2.7";
  const prf = PRFS.get(prfOid);
  const scheme = algorithmOf(schemeNode, "PBMAC1 message authentication scheme").oid;
  const hmac = PRFS.get(scheme);
  if (!prf) throw new ParseError("unsupported", `PBMAC1 PRF ${prfOid} is not supported`);
  if (!hmac) throw new ParseError("unsupported", `PBMAC1 MAC scheme ${scheme} is not supported`);
  if (!lengthNode) throw new ParseError("malformed", "PBMAC1: PBKDF2 key length is missing");
  const length = Number(unsignedIntegerOf(lengthNode, "PBMAC1 key length"));
  const saltBytes = octetsOf(salt, "PBMAC1 salt");
  return {
    matches(password) {
      chargeKdfWork(iterations);
      const key = pbkdf2Sync(utf8Password(password), saltBytes, iterations, length, prf);
      return equal(createHmac(hmac, key).update(authSafe).digest(), expected);
    },
  };
}

/** Reads MacData: the RFC 7292 MAC (appendix B key derivation, then HMAC) over any digest, or PBMAC1. */
export function readMac(macData: Asn1Block, authSafe: Uint8Array): Pkcs12Mac {
  const [digestInfo, saltNode, iterationsNode] = expectConstructed(macData, Tag.sequence, "MacData");
  const [digestAlgorithm, digestNode] = expectConstructed(digestInfo, Tag.sequence, "MacData digest");
  const { oid, parameters } = algorithmOf(digestAlgorithm, "MacData digest algorithm");
  const expected = octetsOf(digestNode, "MacData digest");
  if (oid === PBE_OID.pbmac1) return pbmac1(parameters, expected, authSafe);
  const digest = DIGESTS.get(oid);
  if (!digest || digest.name === "md2")
    throw new ParseError("unsupported", `PKCS#12 MAC digest ${oid} is not supported`);
  const salt = octetsOf(saltNode, "MacData salt");
  const iterations = iterationsNode
    ? checkIterations(unsignedIntegerOf(iterationsNode, "MAC iterations"), "MAC")
    : 1;
  return {
    matches(password) {
      const key = pkcs12Kdf(digest, bmpPassword(password), salt, Pkcs12KeyId.mac, iterations, digest.u);
      return equal(createHmac(digest.name, key).update(authSafe).digest(), expected);
    },
  };
}
