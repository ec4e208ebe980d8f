/** Whether a write failed because the disk (or the user's quota) is full: SQLite's SQLITE_FULL, or ENOSPC/EDQUOT. */
export function isDiskFull(error: unknown): boolean {
  const code = (error as { code?: unknown }).code;
  return code === "SQLITE_FULL" || code === "ENOSPC" || code === "EDQUOT";
}

/** What a run's items and logs say when the disk filled up before a certificate was sent or an object deleted. */
export const DISK_FULL = {
  code: "disk_full",
  message:
    "the state store's disk is full: the run stopped before this certificate was sent; the next run sends it",
  deleteMessage:
    "the state store's disk is full: the run stopped before this object was deleted; the next run deletes it",
} as const;
