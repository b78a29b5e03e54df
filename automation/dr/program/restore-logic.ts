/**
 * What the restore resource does, over a minimal Firestore admin interface: restore a backup into a new
 * scratch database, delete it again, replace it when an input changes. Dependency-free so the dynamic
 * provider can carry it, and tested with a fake admin. It refuses any database that is not a drill's
 * scratch database (`dr-…`), so it can never delete a real one.
 */

/** The inputs of a restore. */
export interface RestoreInputs {
  readonly project: string;
  /** `projects/<p>/locations/<l>/backups/<id>`. */
  readonly backup: string;
  /** The scratch database id (`dr-…`). */
  readonly database: string;
}

export interface RestoreOutputs extends RestoreInputs {
  /** `projects/<p>/databases/<id>`. */
  readonly name: string;
  readonly restoredAt: string;
}

/** The admin calls a restore needs; both wait for the long-running operation to finish. */
export interface FirestoreAdmin {
  restoreDatabase(request: { parent: string; databaseId: string; backup: string }): Promise<{ name: string }>;
  deleteDatabase(name: string): Promise<void>;
}

const SCRATCH = /^projects\/[^/]+\/databases\/dr-[a-z0-9-]*[a-z0-9]$/;

/** Restores the backup; fails before calling the API when the target is not a scratch database. */
export async function createRestore(
  admin: FirestoreAdmin,
  inputs: RestoreInputs,
  now: () => Date = () => new Date(),
): Promise<{ id: string; outs: RestoreOutputs }> {
  const id = `projects/${inputs.project}/databases/${inputs.database}`;
  if (!SCRATCH.test(id) || inputs.database.length > 63)
    throw new Error(`refusing to restore into "${inputs.database}": drill databases are dr-<env>-<time>`);
  if (!/^projects\/[^/]+\/locations\/[^/]+\/backups\/[^/]+$/.test(inputs.backup))
    throw new Error(`"${inputs.backup}" is not a backup name (projects/<p>/locations/<l>/backups/<id>)`);
  const database = await admin.restoreDatabase({
    parent: `projects/${inputs.project}`,
    databaseId: inputs.database,
    backup: inputs.backup,
  });
  return { id, outs: { ...inputs, name: database.name || id, restoredAt: now().toISOString() } };
}

/** Deletes the scratch database; refuses anything else. */
export async function deleteRestore(admin: FirestoreAdmin, id: string): Promise<void> {
  if (!SCRATCH.test(id))
    throw new Error(`refusing to delete "${id}": only drill databases (dr-…) are deleted`);
  await admin.deleteDatabase(id);
}

/** Any change of an input restores anew (delete first: the database id is fixed). */
export function diffRestore(
  olds: Partial<RestoreInputs>,
  news: RestoreInputs,
): { changes: boolean; replaces: string[]; deleteBeforeReplace: boolean } {
  const replaces = (["project", "backup", "database"] as const).filter((k) => olds[k] !== news[k]);
  return { changes: replaces.length > 0, replaces, deleteBeforeReplace: true };
}
