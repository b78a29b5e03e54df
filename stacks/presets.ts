/**
 * Environment kinds and their presets (DESIGN §2). A stack's config overrides the overridable blocks
 * (`runDefaults`, `protection`, `firestore`) field by field; the network exposure of a kind is fixed.
 */
import type { Ingress } from "../components/cloud-run-service";

export const KINDS = ["prod", "staging", "feature"] as const;
export type Kind = (typeof KINDS)[number];

/** Defaults of every Cloud Run service in the environment (a service's own config wins). */
export interface RunDefaults {
  readonly minInstances: number;
  readonly maxInstances: number;
  readonly cpuIdle: boolean;
  readonly startupCpuBoost: boolean;
}

/** How stateful and long-lived resources are protected against deletion. */
export interface Protection {
  /** Provider-side deletion protection (Cloud Run, Secret Manager). */
  readonly deletionProtection: boolean;
  /** Pulumi `protect` on stateful resources (Firestore). */
  readonly protect: boolean;
}

/** Firestore settings that depend on the kind. */
export interface FirestorePreset {
  readonly pointInTimeRecovery: boolean;
  readonly deleteProtection: boolean;
  readonly deletionPolicy: "ABANDON" | "DELETE";
  /** `null`: no backup schedules. */
  readonly backups: { readonly dailyRetentionDays?: number; readonly weeklyRetentionWeeks?: number } | null;
}

/** Everything a kind decides. */
export interface Preset {
  readonly runDefaults: RunDefaults;
  readonly protection: Protection;
  readonly firestore: FirestorePreset;
  /** Cloud Run ingress of every service. */
  readonly ingress: Ingress;
  /** The `run.app` URL is disabled (only the load balancer reaches services). */
  readonly defaultUrlDisabled: boolean;
  /** IAP directly on each Cloud Run service, open to the reviewers. */
  readonly iap: boolean;
  /** The stack owns its GCP project's singletons (APIs, Artifact Registry, …). */
  readonly projectSingletons: boolean;
  /** Feature environments live in this stack's project (its IAP service agent is created here). */
  readonly hostsFeatureEnvironments: boolean;
  /** Secrets are created here; otherwise they are read from the staging stack. */
  readonly ownsSecrets: boolean;
  /** The load balancer, Cloud Armor and the static site (DESIGN §2: not in feature stacks). */
  readonly edge: boolean;
  /** Share of load-balancer requests logged. */
  readonly logSampleRate: number;
  /** Cloud Armor Adaptive Protection. */
  readonly adaptiveProtection: boolean;
  /** SLOs, burn-rate alerts, uptime checks, dashboards, security log alerts, logging and the budget. */
  readonly monitoring: boolean;
  /** Page alerts go to the page channels; otherwise they go to the ticket channels. */
  readonly paging: boolean;
  /** Uptime check period in seconds. */
  readonly uptimePeriodSeconds: number;
  /** Lock the audit-log archive's retention (irreversible). */
  readonly lockAuditRetention: boolean;
}

export const PRESETS: Readonly<Record<Kind, Preset>> = {
  prod: {
    runDefaults: { minInstances: 1, maxInstances: 50, cpuIdle: true, startupCpuBoost: true },
    protection: { deletionProtection: true, protect: true },
    firestore: {
      pointInTimeRecovery: true,
      deleteProtection: true,
      deletionPolicy: "ABANDON",
      backups: { dailyRetentionDays: 7, weeklyRetentionWeeks: 14 },
    },
    ingress: "internal-and-lb",
    defaultUrlDisabled: true,
    iap: false,
    projectSingletons: true,
    hostsFeatureEnvironments: false,
    ownsSecrets: true,
    edge: true,
    logSampleRate: 1,
    adaptiveProtection: true,
    monitoring: true,
    paging: true,
    uptimePeriodSeconds: 60,
    lockAuditRetention: true,
  },
  staging: {
    runDefaults: { minInstances: 0, maxInstances: 10, cpuIdle: true, startupCpuBoost: true },
    protection: { deletionProtection: true, protect: true },
    firestore: {
      pointInTimeRecovery: true,
      deleteProtection: true,
      deletionPolicy: "ABANDON",
      backups: { dailyRetentionDays: 7, weeklyRetentionWeeks: 4 },
    },
    ingress: "internal-and-lb",
    defaultUrlDisabled: false,
    iap: false,
    projectSingletons: true,
    hostsFeatureEnvironments: true,
    ownsSecrets: true,
    edge: true,
    logSampleRate: 0.5,
    adaptiveProtection: false,
    monitoring: true,
    paging: false,
    uptimePeriodSeconds: 300,
    lockAuditRetention: false,
  },
  feature: {
    runDefaults: { minInstances: 0, maxInstances: 2, cpuIdle: true, startupCpuBoost: true },
    protection: { deletionProtection: false, protect: false },
    firestore: {
      pointInTimeRecovery: false,
      deleteProtection: false,
      deletionPolicy: "DELETE",
      backups: null,
    },
    ingress: "all",
    defaultUrlDisabled: false,
    iap: true,
    projectSingletons: false,
    hostsFeatureEnvironments: false,
    ownsSecrets: false,
    edge: false,
    logSampleRate: 0,
    adaptiveProtection: false,
    monitoring: false,
    paging: false,
    uptimePeriodSeconds: 300,
    lockAuditRetention: false,
  },
};
