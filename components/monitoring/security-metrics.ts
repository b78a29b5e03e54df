/**
 * Log-based metrics for the security review a team would otherwise do by hand, in the style of the CIS
 * Google Cloud Foundations Benchmark's monitoring section (2.4-2.11): each is a log filter whose every
 * match is worth a look.
 */

export interface SecurityMetric {
  /** Metric id (`logging.googleapis.com/user/<id>`). */
  readonly id: string;
  readonly description: string;
  /** Cloud Logging filter of what is worth a look (before the routine of {@link SecurityMetric.routine}). */
  readonly filter: string;
  /**
   * Whose entries are routine and left out: `readers`, the program's own runtime accounts and the
   * deployers (secret reads); `deployers`, the identities that run `pulumi up` (changes made through
   * Pulumi, feature stacks' grants included).
   * @default - nothing is left out
   */
  readonly routine?: "readers" | "deployers";
  /** The alert fires when more than this many entries arrive in 5 minutes. */
  readonly threshold: number;
  /** The CIS Google Cloud Foundations control it corresponds to, where one does. */
  readonly cis?: string;
  /** The first three things to check. */
  readonly checks: readonly [string, string, string];
}

export const SECURITY_METRICS: readonly SecurityMetric[] = [
  {
    id: "iam-policy-changes",
    description: "Changes to the project's IAM policy",
    filter: 'protoPayload.methodName="SetIamPolicy" AND resource.type="project"',
    routine: "deployers",
    threshold: 0,
    cis: "2.4",
    checks: [
      "Who changed it (protoPayload.authenticationInfo.principalEmail) and was it a Pulumi deploy?",
      "Which bindings changed (protoPayload.serviceData.policyDelta.bindingDeltas)?",
      "Revert anything not made by the deployer through `pulumi up`.",
    ],
  },
  {
    id: "audit-config-changes",
    description: "Changes to audit logging configuration",
    filter:
      'protoPayload.methodName="SetIamPolicy" AND protoPayload.serviceData.policyDelta.auditConfigDeltas:*',
    routine: "deployers",
    threshold: 0,
    cis: "2.5",
    checks: [
      "Who changed the audit configuration?",
      "Are Data Access logs for Secret Manager, Firestore and IAM still on?",
      "Restore the configuration with `pulumi up` and review the change.",
    ],
  },
  {
    id: "custom-role-changes",
    description: "Custom IAM role created, updated or deleted",
    filter:
      'resource.type="iam_role" AND (protoPayload.methodName="google.iam.admin.v1.CreateRole" OR protoPayload.methodName="google.iam.admin.v1.DeleteRole" OR protoPayload.methodName="google.iam.admin.v1.UpdateRole")',
    routine: "deployers",
    threshold: 0,
    cis: "2.6",
    checks: [
      "Who changed the role?",
      "Which permissions were added?",
      "Remove roles this program does not declare.",
    ],
  },
  {
    id: "firewall-changes",
    description: "VPC firewall rules created, changed or deleted",
    filter:
      'resource.type="gce_firewall_rule" AND (protoPayload.methodName:"compute.firewalls.patch" OR protoPayload.methodName:"compute.firewalls.insert" OR protoPayload.methodName:"compute.firewalls.delete")',
    routine: "deployers",
    threshold: 0,
    cis: "2.7",
    checks: [
      "Who changed the rule?",
      "Does it open anything to 0.0.0.0/0?",
      "Revert changes not made through Pulumi.",
    ],
  },
  {
    id: "network-changes",
    description: "VPC networks or routes created, changed or deleted",
    filter:
      '(resource.type="gce_network" OR resource.type="gce_route") AND (protoPayload.methodName:"compute.networks." OR protoPayload.methodName:"compute.routes.") AND NOT protoPayload.methodName:".get"',
    routine: "deployers",
    threshold: 0,
    cis: "2.8",
    checks: [
      "Who changed the network or route?",
      "Does traffic now leave through an unexpected next hop?",
      "Revert changes not made through Pulumi.",
    ],
  },
  {
    id: "storage-iam-changes",
    description: "IAM changes on Cloud Storage buckets",
    filter: 'resource.type="gcs_bucket" AND protoPayload.methodName="storage.setIamPermissions"',
    routine: "deployers",
    threshold: 0,
    cis: "2.10",
    checks: [
      "Which bucket and who changed it?",
      "Was allUsers or allAuthenticatedUsers added?",
      "Revert changes not made through Pulumi.",
    ],
  },
  {
    id: "service-account-key-created",
    description: "A service-account key was created (this program never creates keys)",
    filter: 'protoPayload.methodName="google.iam.admin.v1.CreateServiceAccountKey"',
    threshold: 0,
    checks: [
      "Who created the key, for which account?",
      "Delete the key and rotate anything it reached.",
      "Check the org policy iam.disableServiceAccountKeyCreation.",
    ],
  },
  {
    id: "unexpected-secret-access",
    description: "Secret versions read by someone other than the program's runtime accounts and deployers",
    filter:
      'protoPayload.serviceName="secretmanager.googleapis.com" AND protoPayload.methodName:"AccessSecretVersion"',
    routine: "readers",
    threshold: 0,
    checks: [
      "Who read which secret (principalEmail, resourceName)?",
      "Was it a person during an incident, or automation?",
      "Rotate the secret if the access was not expected.",
    ],
  },
  {
    id: "armor-blocks",
    description: "Requests denied by Cloud Armor",
    filter: 'resource.type="http_load_balancer" AND jsonPayload.enforcedSecurityPolicy.outcome="DENY"',
    threshold: 500,
    checks: [
      "Which rule denies (jsonPayload.enforcedSecurityPolicy.name) and from where?",
      "An attack (keep blocking) or a false positive after a release (put the rule in preview)?",
      "For a flood from few clients, tighten the rate limit; for many, check Adaptive Protection's suggestion.",
    ],
  },
];

/** The principals whose entries are routine (see {@link SecurityMetric.routine}). */
export interface RoutinePrincipals {
  /** This environment's runtime service-account emails. */
  readonly runtimeAccounts: readonly string[];
  /**
   * RE2 patterns (anchored) of other accounts this program creates that read secrets by design: the
   * runtime accounts of feature environments, which mount staging's secrets.
   */
  readonly readerPatterns: readonly string[];
  /** Emails of the identities that deploy the program (they refresh secret versions and change IAM). */
  readonly deployers: readonly string[];
}

/** An email as an anchored RE2 pattern. */
export function exactEmail(email: string): string {
  return `^${email.replace(/[.+*?()[\]{}|^$\\]/g, "\\$&")}$`;
}

/** A string literal of the Logging query language (backslashes and quotes escaped). */
function literal(value: string): string {
  return `"${value.replace(/\\/g, "\\\\").replace(/"/g, '\\"')}"`;
}

/**
 * The metric's Cloud Logging filter with the routine principals left out. Logging's `=~` is an RE2
 * match anywhere in the field, so every alternative is anchored
 * (https://cloud.google.com/logging/docs/view/logging-query-language#regular-expressions).
 */
export function securityFilter(metric: SecurityMetric, routine: RoutinePrincipals): string {
  const patterns =
    metric.routine === "readers"
      ? [
          ...routine.runtimeAccounts.map(exactEmail),
          ...routine.readerPatterns,
          ...routine.deployers.map(exactEmail),
        ]
      : metric.routine === "deployers"
        ? routine.deployers.map(exactEmail)
        : [];
  if (patterns.length === 0) return metric.filter;
  const either = patterns.map((p) => `(${p})`).join("|");
  return `${metric.filter} AND NOT protoPayload.authenticationInfo.principalEmail=~${literal(either)}`;
}
