/**
 * `module6:firestore`: the environment's database. The schema holds the fields' rules (FirestoreDatabase's
 * own); `resolveFirestore` merges the block over the kind's preset and applies the rules of the kind.
 */
import { z } from "zod";
import { FIRESTORE_RULES, checkIndexes, type FirestoreIndex } from "../components/firestore-database";
import type { Problem } from "../components/shared/validation";
import { byKind, doc, docDefault, issuesOf, ruled } from "./config-fields";
import { problemAt } from "./config-problems";
import type { FirestorePreset, Kind, Preset } from "./presets";
import { FIRESTORE_MULTI_REGIONS, REGIONS } from "./regions";

const F = FIRESTORE_RULES;
const collection = doc(ruled(z.string(), F.collection), "Collection (group) id.");
const fieldPath = ruled(z.string(), F.fieldPath);

const indexSchema = z.strictObject({
  collection,
  scope: docDefault(z.enum(["collection", "collection-group"]).optional(), "Query scope.", "collection"),
  fields: doc(
    z.array(
      z.strictObject({
        path: doc(fieldPath, "Field path."),
        order: doc(
          z.enum(["asc", "desc"]).optional(),
          "Sort order; exactly one of `order` and `arrayContains`.",
        ),
        arrayContains: doc(z.boolean().optional(), "An array-contains field instead of a sorted one."),
      }),
    ),
    "The indexed fields in order, at least two (single-field indexes are automatic).",
  ),
});

export const firestoreSchema = z
  .strictObject({
    location: doc(
      z.enum([...REGIONS, ...FIRESTORE_MULTI_REGIONS], {
        error: "a Firestore location: a region such as asia-northeast3 or a multi-region (nam5, eur3)",
      }),
      "Where the database lives; fixed at creation.",
    ),
    pointInTimeRecovery: doc(
      z.boolean().optional(),
      "Point-in-time recovery (7 days of versions); always on in prod.",
      byKind((p) => p.firestore.pointInTimeRecovery),
    ),
    deleteProtection: doc(
      z.boolean().optional(),
      "The provider's delete protection; always on in prod, off in feature stacks.",
      byKind((p) => p.firestore.deleteProtection),
    ),
    backups: doc(
      z
        .strictObject({
          dailyRetentionDays: doc(
            ruled(z.int(), F.dailyRetentionDays).optional(),
            "Days a daily backup is kept.",
          ),
          weeklyRetentionWeeks: doc(
            ruled(z.int(), F.weeklyRetentionWeeks).optional(),
            "Weeks a weekly backup is kept.",
          ),
        })
        .nullable()
        .optional(),
      "Backup schedules, merged field by field over the preset; `null` turns them off (refused in prod). Feature stacks have none.",
      byKind((p) => p.firestore.backups),
    ),
    indexes: doc(z.array(indexSchema).default([]), "Composite indexes."),
    ttlFields: doc(
      z
        .array(
          z.strictObject({
            collection,
            field: doc(fieldPath, "The timestamp field that expires the document."),
          }),
        )
        .default([]),
      "Fields whose timestamp expires the document (TTL policies).",
    ),
  })
  .superRefine((f, ctx) => checkIndexes(issuesOf(ctx), f.indexes));

export type FirestoreInput = z.output<typeof firestoreSchema>;

/** Firestore settings, preset merged with config. */
export interface FirestoreConfig extends FirestorePreset {
  readonly location: string;
  readonly protect: boolean;
  readonly indexes: readonly FirestoreIndex[];
  readonly ttlFields: readonly { readonly collection: string; readonly field: string }[];
}

/** The database over the kind's preset; `undefined` without a `firestore` block. */
export function resolveFirestore(
  f: FirestoreInput | undefined,
  kind: Kind,
  preset: Preset,
  protect: boolean,
): { value: FirestoreConfig | undefined; problems: Problem[] } {
  if (f === undefined) return { value: undefined, problems: [] };
  const p = preset.firestore;
  const value: FirestoreConfig = {
    ...p,
    location: f.location,
    pointInTimeRecovery: f.pointInTimeRecovery ?? p.pointInTimeRecovery,
    deleteProtection: f.deleteProtection ?? p.deleteProtection,
    backups: p.backups === null || f.backups === null ? null : { ...p.backups, ...f.backups },
    protect,
    indexes: f.indexes,
    ttlFields: f.ttlFields,
  };
  const problems: Problem[] = [];
  if (kind === "prod") {
    for (const key of ["pointInTimeRecovery", "deleteProtection"] as const) {
      if (f[key] === false) problems.push(problemAt(`firestore.${key}`, false, "true in prod"));
    }
    if (f.backups === null) problems.push(problemAt("firestore.backups", null, "backup schedules in prod"));
  }
  if (kind === "feature" && value.deleteProtection)
    problems.push(
      problemAt(
        "firestore.deleteProtection",
        true,
        "false in a feature stack: it must be destroyable in one pulumi destroy",
      ),
    );
  return { value, problems };
}
