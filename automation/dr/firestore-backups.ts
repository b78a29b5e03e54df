/** `BackupCatalog` on the Firestore admin API (`@google-cloud/firestore` v1). Never constructed in tests. */
import { v1 } from "@google-cloud/firestore";
import { newestReadyBackup } from "./backup-choice";
import type { BackupCatalog, BackupRef } from "../context/firestore";

export class FirestoreBackupCatalog implements BackupCatalog {
  private readonly client = new v1.FirestoreAdminClient();

  async newestBackup(query: {
    project: string;
    location: string;
    database: string;
  }): Promise<BackupRef | undefined> {
    const [response] = await this.client.listBackups({
      parent: `projects/${query.project}/locations/${query.location}`,
    });
    return newestReadyBackup(response.backups ?? [], `projects/${query.project}/databases/${query.database}`);
  }
}
