import type { ReportItem } from "../report.js";
import type { EventRecord } from "../state/store.js";
import type { Candidate, Decision } from "./plan.js";

/** The fields every item of a candidate shares. */
export function itemBase(candidate: Candidate): Pick<ReportItem, "path" | "sha256" | "reason" | "error"> {
  return { path: candidate.path, sha256: candidate.sha256, reason: null, error: null };
}

/** An item that failed with a code and message. */
export function failedItem(
  path: string,
  sha256: string | null,
  code: string,
  message: string,
  attempts = 0,
): ReportItem {
  return { path, sha256, id: null, action: "failed", reason: null, attempts, error: { code, message } };
}

/** A write not yet done: if the run stops before it, the report says so. */
export function pending() {
  return {
    code: "interrupted",
    message: "the run stopped before this certificate was sent; the next run sends it",
  };
}

/** The item a plan decision stands for (in a dry run, what would be done). */
export function itemForDecision(candidate: Candidate, decision: Decision, dryRun: boolean): ReportItem {
  const base = { ...itemBase(candidate), attempts: 0 };
  switch (decision.action) {
    case "create":
      return dryRun
        ? { ...base, id: null, action: "created" }
        : { ...base, id: null, action: "failed", error: pending() };
    case "update":
      return dryRun
        ? { ...base, id: decision.id, action: "updated" }
        : { ...base, id: decision.id, action: "failed", error: pending() };
    case "unchanged":
      return { ...base, id: decision.id, action: "unchanged" };
    case "skip":
      return { ...base, id: null, action: "skipped", reason: decision.reason };
    case "fail":
      return {
        ...base,
        id: decision.id,
        action: "failed",
        error: { code: decision.code, message: decision.message },
      };
  }
}

/** An item as the state store journals it. */
export function eventOf(item: ReportItem): EventRecord {
  return {
    path: item.path,
    sha256: item.sha256,
    remoteId: item.id,
    action: item.action,
    reason: item.reason,
    attempts: item.attempts,
    errorCode: item.error?.code ?? null,
    errorMessage: item.error?.message ?? null,
  };
}
