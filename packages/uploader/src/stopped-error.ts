/**
 * The run stopped taking new work before this request was sent: it was waiting for its rate-limit slot, a retry's
 * back-off or a Retry-After. Nothing of this attempt reached Graph; the next run sends it.
 */
export class StoppedError extends Error {
  override readonly name = "StoppedError";

  /** `attempts`: the requests this operation had sent before the stop. */
  constructor(readonly attempts: number) {
    super("the run stopped before this request was sent");
  }
}
