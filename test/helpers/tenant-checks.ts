import type { RecordedRequest, StoredObject } from "@intune-codesign/graph-emulator";

/** A request that reached the emulator while a Retry-After it had sent was still running. */
export interface RetryAfterViolation {
  /** The throttling answer: when it ended and how long it asked the client to wait. */
  answer: { id: string; method: string; status: number; endedAt: number; retryAfterMs: number };
  /** The request that came too early, and how long before the wait ended. */
  early: {
    id: string;
    method: string;
    path: string;
    startedAt: number;
    earlyByMs: number;
    /** When the client sent it, if its timings are known. */
    clientSentAt?: number;
  };
}

/**
 * When the client sent a request and when its answer (or its failure) reached it (epoch ms), by the
 * client-request-id the client sent and the emulator recorded.
 */
export type ClientTimings = Map<string, { sentAt: number; answeredAt: number }>;

/**
 * Reads the uploader's debug `answer` and `no answer` log lines (stderr of runs with `--log-level debug`): each has
 * the client-request-id, the time it was logged (on arrival) and the time since the request left the client's
 * limiter. A request that got no answer (a reset) has timings too.
 */
export function clientTimings(stderr: string): ClientTimings {
  const timings: ClientTimings = new Map();
  for (const line of stderr.split("\n")) {
    if (!line.includes('"msg":"answer"') && !line.includes('"msg":"no answer"')) continue;
    const entry = JSON.parse(line) as { time: number; clientRequestId?: string; durationMs?: number };
    if (entry.clientRequestId && entry.durationMs !== undefined) {
      timings.set(entry.clientRequestId, { sentAt: entry.time - entry.durationMs, answeredAt: entry.time });
    }
  }
  return timings;
}

/**
 * Every request that started after `end + toleranceMs` and before `end + retryAfterMs - toleranceMs` of a 429/503 answer that
 * carried a Retry-After. The client pauses all its workers on such an answer, so any request in that window is a
 * violation, unless it was already past the client's limiter when the answer arrived: those land within the
 * tolerance, or, when the client's timings are given, are excused if the client sent them before it had the
 * answer (a loaded machine can take longer than the tolerance to deliver them). `excused` counts those.
 */
export function retryAfterViolations(
  requests: RecordedRequest[],
  options: { toleranceMs?: number; client?: ClientTimings } = {},
): RetryAfterViolation[] & { excused?: number } {
  const toleranceMs = options.toleranceMs ?? 5;
  const violations: RetryAfterViolation[] & { excused?: number } = [];
  violations.excused = 0;
  const byStart = [...requests].sort((a, b) => a.startedAt - b.startedAt);
  for (const answer of requests) {
    if (answer.retryAfterMs === null || (answer.status !== 429 && answer.status !== 503)) continue;
    const endedAt = answer.startedAt + answer.durationMs;
    const waitEnds = endedAt + answer.retryAfterMs;
    for (const request of byStart) {
      if (request.startedAt <= endedAt + toleranceMs) continue;
      // The emulator marks an answer's end when its server has flushed it, a few ms after the client may have read
      // it: the tolerance applies at the end of the wait too.
      if (request.startedAt >= waitEnds - toleranceMs) break;
      const sent = request.clientRequestId ? options.client?.get(request.clientRequestId)?.sentAt : undefined;
      const answered = answer.clientRequestId
        ? options.client?.get(answer.clientRequestId)?.answeredAt
        : undefined;
      if (sent !== undefined && answered !== undefined && sent <= answered + 1) {
        violations.excused++;
        continue;
      }
      violations.push({
        answer: {
          id: answer.id,
          method: answer.method,
          status: answer.status,
          endedAt: Math.round(endedAt),
          retryAfterMs: answer.retryAfterMs,
        },
        early: {
          id: request.id,
          method: request.method,
          path: request.path,
          startedAt: request.startedAt,
          earlyByMs: Math.round(waitEnds - request.startedAt),
          ...(sent === undefined ? {} : { clientSentAt: sent }),
        },
      });
    }
  }
  return violations;
}

/** Subjects held by more than one object, with their counts. */
export function duplicateSubjects(objects: StoredObject[]): Array<[string, number]> {
  const counts = new Map<string, number>();
  for (const object of objects)
    counts.set(String(object.subject), (counts.get(String(object.subject)) ?? 0) + 1);
  return [...counts].filter(([, count]) => count > 1);
}
