import { readSecretFile } from "@intune-codesign/uploader";

/** The PKCS#12 password from `--pfx-password-file`, else `INTUNE_CODESIGN_PFX_PASSWORD`; never from argv. */
export function pfxPassword(
  file: string | undefined,
  env: NodeJS.ProcessEnv = process.env,
): string | undefined {
  if (file) return readSecretFile(file);
  return env.INTUNE_CODESIGN_PFX_PASSWORD;
}
