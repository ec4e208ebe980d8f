/**
 * The PKCS#12 passwords from `--pfx-password-file` (repeatable: one password per file, tried in order), else
 * `INTUNE_CODESIGN_PFX_PASSWORD`; never from argv. The reader is loaded only when a file is named, so `inspect`
 * starts without the uploader.
 */
export async function pfxPassword(
  files: string | string[] | undefined,
  env: NodeJS.ProcessEnv = process.env,
): Promise<string[] | string | undefined> {
  const named = typeof files === "string" ? [files] : (files ?? []);
  if (named.length === 0) return env.INTUNE_CODESIGN_PFX_PASSWORD;
  const { readSecretFile } = await import("@intune-codesign/uploader");
  return Promise.all(named.map((file) => readSecretFile(file)));
}
