/**
 * What the DR drill needs from Firestore besides Pulumi: the newest backup of a database (the admin API)
 * and document counts in the restored copy (the client library). Real implementations use Google's
 * `@google-cloud/firestore`; tests use fakes.
 */

/** A Firestore backup. */
export interface BackupRef {
  /** `projects/<p>/locations/<l>/backups/<id>`. */
  readonly name: string;
  /** `projects/<p>/databases/<db>`: the database it was taken of. */
  readonly database: string;
  /** The backup holds the database as it was at this time. */
  readonly snapshotTime: Date;
}

export interface BackupCatalog {
  /** The newest ready backup of `database` in `location`, if any. */
  newestBackup(query: {
    project: string;
    location: string;
    database: string;
  }): Promise<BackupRef | undefined>;
}

export interface RestoreVerifier {
  /** Throws unless documents of the project's databases can be read (checked before anything is restored). */
  checkAccess(query: { project: string; database: string }): Promise<void>;
  /** The number of documents in a collection of a database. */
  countDocuments(query: { project: string; database: string; collection: string }): Promise<number>;
}
