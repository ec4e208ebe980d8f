import { constants } from "node:fs";

/**
 * `O_NOFOLLOW`, or 0 where the platform has none (Windows: `fs.constants` lacks it). There, exclusive creation
 * (`O_EXCL`, CreateFile's CREATE_NEW) still refuses a name that exists, a planted link included; opening an existing
 * file may follow a link, which only an administrator (or Developer Mode) can create.
 */
export const NO_FOLLOW: number = constants.O_NOFOLLOW ?? 0;
