/** `RestoreVerifier` with the Firestore client library: a count aggregation per collection. Never used in tests. */
import { Firestore } from "@google-cloud/firestore";
import type { RestoreVerifier } from "../context/firestore";

export class FirestoreVerifier implements RestoreVerifier {
  async checkAccess(query: { project: string; database: string }): Promise<void> {
    const db = new Firestore({ projectId: query.project, databaseId: query.database });
    try {
      await db.listCollections();
    } finally {
      await db.terminate();
    }
  }

  async countDocuments(query: { project: string; database: string; collection: string }): Promise<number> {
    const db = new Firestore({ projectId: query.project, databaseId: query.database });
    try {
      const snapshot = await db.collection(query.collection).count().get();
      return snapshot.data().count;
    } finally {
      await db.terminate();
    }
  }
}
