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

/**
 * Reads the credential files a run names, once, before it takes its lock: a missing, special (FIFO, device) or
 * oversized file is a usage error at once, not a failure or a hang mid-run. The token file is read again when used.
 */
export async function checkCredentialFiles(files: {
  accessTokenFile: string | undefined;
  clientCertificate: string | undefined;
}): Promise<void> {
  const { readSecretBytes, readSecretFile } = await import("@intune-codesign/uploader");
  if (files.accessTokenFile) readSecretFile(files.accessTokenFile);
  if (files.clientCertificate) readSecretBytes(files.clientCertificate);
}
