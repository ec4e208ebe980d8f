import { AuthError } from "./auth-error.js";

/** Graph (Intune) refused a request because the app lacks a permission; names the permissions it asked for. */
export class PermissionError extends AuthError {
  override readonly name = "PermissionError";
  /** The application permissions Intune named, any one of which would do (e.g. `DeviceManagementApps.ReadWrite.All`). */
  readonly permissions: string[];

  constructor(message: string, options: { status: number; permissions: string[]; cause?: unknown }) {
    super(message, { status: options.status, reason: "permission", cause: options.cause });
    this.permissions = options.permissions;
  }
}

/**
 * The permissions named in an Intune refusal. Intune puts JSON inside Graph's `message` string:
 * `{"_version":3,"Message":"Application must have one of the following scopes: A, B - Operation ID …"}`;
 * the sentence is also read when it comes as plain text. Undefined when the message names none.
 */
export function missingPermissions(message: string): string[] | undefined {
  const text = intuneMessage(message) ?? message;
  const listed = /following (?:scopes|permissions|roles):\s*([^-\n]*?)\s*(?:-|$)/i.exec(text)?.[1];
  const names = listed?.split(/[\s,;]+/).filter((name) => /^[A-Za-z]+(\.[A-Za-z]+)+$/.test(name));
  return names && names.length > 0 ? names : undefined;
}

function intuneMessage(message: string): string | undefined {
  if (!message.trimStart().startsWith("{")) return undefined;
  try {
    const parsed = JSON.parse(message) as { Message?: unknown; message?: unknown };
    const inner = parsed.Message ?? parsed.message;
    return typeof inner === "string" ? inner : undefined;
  } catch {
    return undefined;
  }
}
