export {
  type DateTimeOffsetInstant,
  formatDateTimeOffset,
  normaliseDateTimeOffset,
  parseDateTimeOffset,
} from "./date-time-offset.js";
export {
  formatRateLimit,
  INTUNE_REQUEST_LIMIT,
  INTUNE_TENANT_FACTOR,
  INTUNE_WRITE_LIMIT,
  type RateLimit,
} from "./intune-limits.js";
export { parseRetryAfter } from "./retry-after.js";
