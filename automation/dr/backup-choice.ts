/** Choosing the backup to restore: the newest ready one of the environment's database. Pure, tested. */
import type { BackupRef } from "../context/firestore";

/** A backup as the Firestore admin API lists it (the fields used here). */
export interface ListedBackup {
  readonly name?: string | null;
  readonly database?: string | null;
  readonly state?: string | number | null;
  readonly snapshotTime?: { readonly seconds?: number | string | { toString(): string } | null } | null;
}

/** The admin API's `READY` state, by name or enum number. */
const READY = new Set<string | number>(["READY", 2]);

/** The newest ready backup of `database` (`projects/<p>/databases/<db>`) among `backups`. */
export function newestReadyBackup(backups: readonly ListedBackup[], database: string): BackupRef | undefined {
  let best: BackupRef | undefined;
  for (const b of backups) {
    if (
      !b.name ||
      b.database !== database ||
      b.state === null ||
      b.state === undefined ||
      !READY.has(b.state)
    )
      continue;
    const seconds = Number(String(b.snapshotTime?.seconds ?? ""));
    if (!Number.isFinite(seconds) || seconds <= 0) continue;
    const snapshotTime = new Date(seconds * 1000);
    if (!best || snapshotTime > best.snapshotTime) best = { name: b.name, database, snapshotTime };
  }
  return best;
}
