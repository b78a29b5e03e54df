/**
 * Customer-managed encryption keys (a project singleton): a key ring per location, a key per data class,
 * and the Google service agent that encrypts that class granted encrypt/decrypt on its own key only.
 */
import * as gcp from "@pulumi/gcp";
import * as pulumi from "@pulumi/pulumi";
import type * as time from "@pulumiverse/time";
import { Component } from "./shared/component";
import { grantKey } from "./shared/grants";
import { GRANT_PROPAGATION, propagationWait } from "./shared/propagation";
import { componentLabels, type CommonArgs, type Member } from "./shared/types";
import { Problems } from "./shared/validation";

/** The services whose data the keys protect. */
export const CMEK_SERVICES = [
  "firestore",
  "storage",
  "secretmanager",
  "artifactregistry",
  "redis",
  "logging",
] as const;
export type CmekService = (typeof CMEK_SERVICES)[number];

/**
 * How each service's agent is made to exist and named. The emails are Google's
 * (https://cloud.google.com/iam/docs/service-agents; the same list, with the API each agent belongs to, is
 * Cloud Foundation Fabric's modules/project/service-agents.yaml):
 * - `identity`: a primary agent, created on demand by `gcloud beta services identity create` — the
 *   provider's `gcp.projects.ServiceIdentity`, whose `email` output is the agent (Fabric creates the same
 *   agents with `google_project_service_identity`, modules/project/service-agents.tf):
 *   `service-<n>@gcp-sa-firestore`, `@gcp-sa-secretmanager`, `@gcp-sa-artifactregistry`, `@cloud-redis`.
 * - `storage`: `service-<n>@gs-project-accounts`, created when first asked for; the provider's
 *   `gcp.storage.getProjectServiceAccount` asks, and its docs say to prefer it over the email format
 *   (node_modules/@pulumi/gcp/storage/getProjectServiceAccount.d.ts).
 * - `logging`: the account Cloud Logging encrypts log buckets with, `kmsServiceAccountId` of
 *   `gcp.logging.getProjectSettings` (https://cloud.google.com/logging/docs/routing/managed-encryption-storage;
 *   Fabric reads it the same way, `google_logging_project_settings`).
 */
export const SERVICE_AGENTS: Readonly<
  Record<CmekService, { readonly api: string; readonly how: "identity" | "storage" | "logging" }>
> = {
  firestore: { api: "firestore.googleapis.com", how: "identity" },
  storage: { api: "storage.googleapis.com", how: "storage" },
  secretmanager: { api: "secretmanager.googleapis.com", how: "identity" },
  artifactregistry: { api: "artifactregistry.googleapis.com", how: "identity" },
  redis: { api: "redis.googleapis.com", how: "identity" },
  logging: { api: "logging.googleapis.com", how: "logging" },
};

/** The one role a service agent gets, on its own key. */
export const ENCRYPTER_DECRYPTER = "roles/cloudkms.cryptoKeyEncrypterDecrypter";

/** One key per data class. */
export interface KeySpec {
  /** The service that encrypts this data class; its agent (and no one else) may use the key. No default. */
  readonly service: CmekService;
  /**
   * Locations the key exists in, one key per location in that location's ring. A key must be in the
   * location of the data it protects (a secret's replicas: one per replica region; Firestore `nam5`: `us`).
   * @default - `[region]`
   */
  readonly locations?: readonly string[];
  /**
   * Days between automatic rotations, 1-90 (CIS Google Cloud Foundations 1.10: at most 90 days). Old
   * versions stay to decrypt what they encrypted.
   * @default 90
   */
  readonly rotationDays?: number;
  /**
   * Where key material lives: `SOFTWARE`, or `HSM` (FIPS 140-2 Level 3, billed per key version).
   * @default "SOFTWARE"
   */
  readonly protectionLevel?: "SOFTWARE" | "HSM";
}

/** Arguments of {@link KmsKeys}. */
export interface KmsKeysArgs extends CommonArgs {
  /**
   * Logical name of the key rings; each is `naming.name("generic", ringName)` in its location. Key rings
   * and keys can never be deleted from Google Cloud (node_modules/@pulumi/gcp/kms/keyRing.d.ts,
   * kms/cryptoKey.d.ts): a name, once used in a project and location, stays taken.
   * @default "data"
   */
  readonly ringName?: string;
  /** Keys by data class (`firestore`, `secrets`, …), 1-30 of a-z 0-9 '-'. No default. */
  readonly keys: Readonly<Record<string, KeySpec>>;
  /**
   * Pulumi `protect` on the key rings and keys, and the provider's `deletionPolicy: "PREVENT"` on the keys
   * (a destroy of a key destroys all its versions, making every byte it encrypted unreadable).
   * @default true
   */
  readonly protect?: boolean;
}

/** A key as a resource that uses it needs it. */
export interface CmekKey {
  /** `projects/<p>/locations/<l>/keyRings/<r>/cryptoKeys/<k>`: Redis `customerManagedKey`, `kmsKeyName`, …. */
  readonly kmsKeyName: pulumi.Output<string>;
  readonly location: string;
  /** The grant of the key to its service agent. */
  readonly grant: gcp.kms.CryptoKeyIAMMember;
  /**
   * What a resource encrypted with the key must depend on: a wait of `GRANT_PROPAGATION` after the grant.
   * Google checks the agent's access when the resource is created, and an IAM grant takes minutes to
   * propagate (https://cloud.google.com/iam/docs/access-change-propagation).
   */
  readonly ready: time.Sleep;
}

const RING = /^[a-z][a-z0-9-]{0,19}$/;
const KEY = /^[a-z][a-z0-9-]{0,29}$/;
/** A region (`asia-northeast3`) or a Cloud KMS multi-region (`us`, `europe`, `asia`). */
const LOCATION = /^[a-z]+(-[a-z]+\d+)?$/;
export const MAX_ROTATION_DAYS = 90;

/** Checks {@link KmsKeysArgs}; throws one `ValidationError` naming every problem. */
export function validateKmsKeysArgs(args: KmsKeysArgs): void {
  const p = new Problems("KmsKeys");
  const ring = args.ringName ?? "data";
  p.check(RING.test(ring), "ringName", ring, "1-20 of a-z 0-9 '-', starting with a letter");
  const entries = Object.entries(args.keys);
  p.check(entries.length > 0, "keys", args.keys, "at least one data class");
  for (const [name, spec] of entries) {
    const at = `keys.${name}`;
    p.check(KEY.test(name), at, name, "1-30 of a-z 0-9 '-', starting with a letter");
    p.oneOf(`${at}.service`, spec.service, CMEK_SERVICES);
    const locations = spec.locations ?? [args.region];
    p.check(locations.length > 0, `${at}.locations`, locations, "at least one location");
    locations.forEach((l, i) =>
      p.check(
        LOCATION.test(l),
        `${at}.locations[${i}]`,
        l,
        "a region such as asia-northeast3 or a multi-region such as us",
      ),
    );
    for (const l of new Set(locations.filter((l, i) => locations.indexOf(l) !== i)))
      p.add(`${at}.locations`, l, "each location once");
    if (spec.rotationDays !== undefined)
      p.integer(`${at}.rotationDays`, spec.rotationDays, 1, MAX_ROTATION_DAYS);
    if (spec.protectionLevel !== undefined)
      p.oneOf(`${at}.protectionLevel`, spec.protectionLevel, ["SOFTWARE", "HSM"], "SOFTWARE or HSM");
  }
  p.throwIfAny();
}

/**
 * Key rings, keys and their grants. Each key is granted to one service agent; consumers take a key with
 * `key(name, location)` and wait for its `ready`. Keys rotate, are protected twice, and never reach a
 * feature stack (DESIGN §2: cost and speed).
 */
export class KmsKeys extends Component {
  /** Key rings by location. */
  readonly keyRings: Readonly<Record<string, gcp.kms.KeyRing>>;
  /** Key ids by data class and location. */
  readonly keyIds: pulumi.Output<Record<string, Record<string, string>>>;
  /** The service agents' emails, by service (only the services some key is for). */
  readonly agentEmails: Readonly<Partial<Record<CmekService, pulumi.Output<string>>>>;
  private readonly baseName: string;
  private readonly region: string;
  private readonly cryptoKeys: Readonly<Record<string, Readonly<Record<string, gcp.kms.CryptoKey>>>>;
  private readonly byKey: Readonly<Record<string, Readonly<Record<string, CmekKey>>>>;

  constructor(name: string, args: KmsKeysArgs, opts?: pulumi.ComponentResourceOptions) {
    validateKmsKeysArgs(args);
    super("module6:kms:Keys", name, opts);
    this.baseName = name;
    this.region = args.region;
    const protect = args.protect ?? true;
    const labels = componentLabels(args.labels, "kms");
    const ringId = args.naming.name("generic", args.ringName ?? "data");

    const locations = [...new Set(Object.values(args.keys).flatMap((k) => k.locations ?? [args.region]))];
    const rings: Record<string, gcp.kms.KeyRing> = {};
    for (const location of locations) {
      rings[location] = new gcp.kms.KeyRing(
        `${name}-ring-${location}`,
        { project: args.project, name: ringId, location },
        this.child({ protect }),
      );
    }
    this.keyRings = rings;

    const services = [...new Set(Object.values(args.keys).map((k) => k.service))];
    const agents: Partial<Record<CmekService, pulumi.Output<string>>> = {};
    for (const service of services) agents[service] = this.agentEmail(name, service, args.project);
    this.agentEmails = agents;

    const cryptoKeys: Record<string, Record<string, gcp.kms.CryptoKey>> = {};
    const byKey: Record<string, Record<string, CmekKey>> = {};
    for (const [keyName, spec] of Object.entries(args.keys)) {
      cryptoKeys[keyName] = {};
      byKey[keyName] = {};
      for (const location of spec.locations ?? [args.region]) {
        const ring = rings[location] as gcp.kms.KeyRing;
        const key = new gcp.kms.CryptoKey(
          `${name}-${keyName}-${location}`,
          {
            name: keyName,
            keyRing: ring.id,
            purpose: "ENCRYPT_DECRYPT",
            rotationPeriod: `${(spec.rotationDays ?? MAX_ROTATION_DAYS) * 86_400}s`,
            versionTemplate: {
              algorithm: "GOOGLE_SYMMETRIC_ENCRYPTION",
              protectionLevel: spec.protectionLevel ?? "SOFTWARE",
            },
            labels: { ...labels, "data-class": keyName },
            // The provider refuses to delete a key whose deletionPolicy is PREVENT, before its own delete
            // (which destroys every key version): magic-modules mmv1/templates/terraform/resource.go.tmpl
            // checks `deletion_policy == "PREVENT"` ahead of the custom delete of kms/CryptoKey.yaml.
            deletionPolicy: protect ? "PREVENT" : "DELETE",
          },
          this.child({ protect }),
        );
        cryptoKeys[keyName][location] = key;
        const agent = agents[spec.service] as pulumi.Output<string>;
        const grant = new gcp.kms.CryptoKeyIAMMember(
          `${name}-${keyName}-${location}-${spec.service}-agent`,
          {
            cryptoKeyId: key.id,
            role: ENCRYPTER_DECRYPTER,
            member: pulumi.interpolate`serviceAccount:${agent}`,
          },
          this.child(),
        );
        const ready = propagationWait(
          `${name}-${keyName}-${location}-ready`,
          GRANT_PROPAGATION,
          [grant.id],
          this.child(),
        );
        byKey[keyName][location] = { kmsKeyName: key.id, location, grant, ready };
      }
    }
    this.cryptoKeys = cryptoKeys;
    this.byKey = byKey;
    this.keyIds = pulumi
      .all(
        Object.entries(cryptoKeys).map(([keyName, perLocation]) =>
          pulumi
            .all(Object.entries(perLocation).map(([l, k]) => k.id.apply((id) => [l, id] as const)))
            .apply((pairs) => [keyName, Object.fromEntries(pairs)] as const),
        ),
      )
      .apply((pairs) => Object.fromEntries(pairs));
    this.registerOutputs({ keyIds: this.keyIds, agentEmails: agents });
  }

  /** The key of data class `name` in `location` (default: the component's region). */
  key(name: string, location: string = this.region): CmekKey {
    const perLocation = this.byKey[name];
    if (perLocation === undefined) {
      throw new pulumi.RunError(`KmsKeys: no key "${name}" (keys: ${Object.keys(this.byKey).join(", ")})`);
    }
    const key = perLocation[location];
    if (key === undefined) {
      throw new pulumi.RunError(
        `KmsKeys: key "${name}" has no version in "${location}" (locations: ${Object.keys(perLocation).join(", ")}); a key must be in the location of the data it encrypts`,
      );
    }
    return key;
  }

  /**
   * Lets `member` encrypt and decrypt with one key in one location (`cryptoKeyEncrypterDecrypter` on that
   * key only): for another service's agent that needs the same data class.
   */
  grantEncryptDecrypt(
    name: string,
    location: string,
    member: Member,
    key?: string,
  ): gcp.kms.CryptoKeyIAMMember {
    const cryptoKey = this.cryptoKeys[name]?.[location];
    if (cryptoKey === undefined) this.key(name, location); // throws the explanatory error
    return new gcp.kms.CryptoKeyIAMMember(
      `${this.baseName}-${name}-${location}-use-${grantKey(member, key, "KmsKeys.grantEncryptDecrypt")}`,
      { cryptoKeyId: (cryptoKey as gcp.kms.CryptoKey).id, role: ENCRYPTER_DECRYPTER, member },
      this.child(),
    );
  }

  /** The email of `service`'s agent, created where Google creates it only on demand. */
  private agentEmail(
    name: string,
    service: CmekService,
    project: pulumi.Input<string>,
  ): pulumi.Output<string> {
    const agent = SERVICE_AGENTS[service];
    switch (agent.how) {
      case "identity":
        return new gcp.projects.ServiceIdentity(
          `${name}-${service}-agent`,
          { project, service: agent.api },
          this.child(),
        ).email;
      case "storage":
        return gcp.storage.getProjectServiceAccountOutput({ project }, this.invokeOptions()).emailAddress;
      case "logging":
        return gcp.logging.getProjectSettingsOutput({ project }, this.invokeOptions()).kmsServiceAccountId;
    }
  }
}
