/**
 * Stack-level assertions over a plan: labels on every labelable resource, names within GCP limits,
 * explicit providers.
 */
import * as gcp from "@pulumi/gcp";
import { expect } from "vitest";
import type { RecordedResource } from "../../plan/record";
import type { NameKind } from "../../components/shared/types";
import { REQUIRED_LABEL_KEYS, isValidLabel } from "../../stacks/labels";
import { isValidName } from "../../stacks/naming";

/**
 * True when the provider SDK's class for `type` takes a `labels` input. Read from the SDK itself, so a
 * new labelable resource type is covered without editing this list.
 */
export function isLabelable(type: string): boolean {
  const match = /^gcp:([a-zA-Z0-9]+)\/[a-zA-Z0-9]+:([A-Za-z0-9]+)$/.exec(type);
  if (!match) return false;
  const [, module, cls] = match;
  const ns = (gcp as unknown as Record<string, Record<string, unknown> | undefined>)[module ?? ""];
  const ctor = ns?.[cls ?? ""];
  return typeof ctor === "function" && /resourceInputs\["labels"\] = args/.test(ctor.toString());
}

/** The GCP name field of each named resource type and the naming kind whose limits apply. */
export const NAME_FIELDS: Readonly<Record<string, readonly [string, NameKind]>> = {
  "gcp:serviceaccount/account:Account": ["accountId", "serviceAccount"],
  "gcp:cloudrunv2/service:Service": ["name", "cloudRunService"],
  "gcp:firestore/database:Database": ["name", "firestoreDatabase"],
  "gcp:secretmanager/secret:Secret": ["secretId", "secret"],
  "gcp:artifactregistry/repository:Repository": ["repositoryId", "artifactRepository"],
};

export function expectEveryLabelableResourceLabelled(resources: readonly RecordedResource[]): number {
  const labelable = resources.filter((r) => r.custom && isLabelable(r.type));
  for (const r of labelable) {
    const labels = (r.inputs.labels ?? {}) as Record<string, string>;
    for (const key of REQUIRED_LABEL_KEYS) expect(labels[key], `${r.urn} label ${key}`).toBeTruthy();
    for (const [k, v] of Object.entries(labels))
      expect(isValidLabel(k, v), `${r.urn} label ${k}=${v}`).toBe(true);
  }
  return labelable.length;
}

export function expectEveryNameWithinLimits(resources: readonly RecordedResource[]): number {
  let checked = 0;
  for (const r of resources) {
    const field = NAME_FIELDS[r.type];
    if (!field) continue;
    const value = r.inputs[field[0]];
    expect(typeof value, `${r.urn} ${field[0]}`).toBe("string");
    expect(isValidName(value as string, field[1]), `${r.urn} ${field[0]}=${String(value)}`).toBe(true);
    checked++;
  }
  return checked;
}

export function expectExplicitProviders(resources: readonly RecordedResource[], stack: string): void {
  for (const r of resources.filter((x) => x.custom && x.type.startsWith("gcp:"))) {
    expect(r.provider, r.urn).toMatch(
      new RegExp(`^urn:pulumi:${stack}::module6::pulumi:providers:gcp::gcp::`),
    );
  }
}
