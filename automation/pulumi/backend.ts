/**
 * Where Pulumi keeps state and how it encrypts secrets: a self-managed backend in a GCS bucket and a
 * Cloud KMS key, from flags or the environment. Checked before any CLI runs, with a message that says
 * what is allowed.
 */
import { usageError } from "../core/errors";
import type { BackendSettings } from "./local-args";

/** Environment variables the operations CLI reads. */
export const BACKEND_ENV = "PULUMI_BACKEND_URL";
export const SECRETS_PROVIDER_ENV = "PULUMI_SECRETS_PROVIDER";

const GS_URL = /^gs:\/\/[a-z0-9][a-z0-9._-]{1,220}[a-z0-9](\/[^\s]*)?$/;
const FILE_URL = /^file:\/\/\S+$/;
const GCPKMS_URL =
  /^gcpkms:\/\/projects\/[^/\s]+\/locations\/[^/\s]+\/keyRings\/[^/\s]+\/cryptoKeys\/[^/\s]+$/;

/** Backend URL and secrets provider from flags, else from the environment; validated. */
export function resolveBackend(
  flags: { readonly backendUrl?: string; readonly secretsProvider?: string },
  env: Readonly<Record<string, string | undefined>>,
): BackendSettings {
  const backendUrl = flags.backendUrl ?? env[BACKEND_ENV];
  const secretsProvider = flags.secretsProvider ?? env[SECRETS_PROVIDER_ENV];
  if (backendUrl === undefined || backendUrl === "") {
    throw usageError(
      `no Pulumi backend: pass --backend-url gs://<bucket> or set ${BACKEND_ENV} (e.g. gs://module6-pulumi-state)`,
    );
  }
  if (!GS_URL.test(backendUrl) && !FILE_URL.test(backendUrl)) {
    throw usageError(
      `--backend-url: got "${backendUrl}"; allowed: a self-managed backend gs://<bucket>[/<path>] (file://<dir> for local trials)`,
    );
  }
  if (secretsProvider !== undefined && secretsProvider !== "") {
    if (!GCPKMS_URL.test(secretsProvider) && secretsProvider !== "passphrase") {
      throw usageError(
        `--secrets-provider: got "${secretsProvider}"; allowed: gcpkms://projects/<p>/locations/<l>/keyRings/<r>/cryptoKeys/<k> (passphrase for local trials)`,
      );
    }
    if (secretsProvider === "passphrase" && backendUrl.startsWith("gs://")) {
      throw usageError(
        `--secrets-provider passphrase is for local trials only; a gs:// backend needs gcpkms://…`,
      );
    }
    return { backendUrl, secretsProvider };
  }
  return { backendUrl };
}
