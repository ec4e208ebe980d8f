/**
 * The PKCS#12 password from `--pfx-password-file`, else `INTUNE_CODESIGN_PFX_PASSWORD`; never from argv.
 * The reader is loaded only when a file is named, so `inspect` starts without the uploader.
 */
export async function pfxPassword(
  file: string | undefined,
  env: NodeJS.ProcessEnv = process.env,
): Promise<string | undefined> {
  if (!file) return env.INTUNE_CODESIGN_PFX_PASSWORD;
  const { readSecretFile } = await import("@intune-codesign/uploader");
  return readSecretFile(file);
}
