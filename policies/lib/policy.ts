/**
 * How this pack defines a policy: the CrossGuard policy object plus the metadata every policy of this
 * pack must carry (DESIGN §4): a kebab-case name, a description starting "Checks that", a severity,
 * remediation steps, an enforcement level (mandatory for security and data loss, advisory for hygiene),
 * its domain and, where one applies, a framework reference. Other tools' ids for the same rule go to `tags`.
 */
import type {
  PolicyComplianceFramework,
  PolicyConfigSchema,
  ReportViolation,
  ResourceValidation,
  ResourceValidationArgs,
  ResourceValidationPolicy,
  Severity,
  StackValidation,
  StackValidationPolicy,
} from "@pulumi/policy";
import { matchesType, type ANY_GCP, type TypeToken } from "./tokens";

/** The two levels this pack uses (the CLI also knows `remediate` and `disabled`). */
export type Level = "mandatory" | "advisory";

/** One module per domain. */
export type Domain =
  | "run"
  | "edge"
  | "storage"
  | "firestore"
  | "secrets"
  | "iam"
  | "kms"
  | "monitoring"
  | "logging"
  | "network"
  | "registry"
  | "project"
  | "gke"
  | "kubernetes";

/** What every policy of the pack declares. */
export interface PolicyMeta {
  readonly name: string;
  readonly domain: Domain;
  /** Starts "Checks that"; states what an unset property means where that matters. */
  readonly description: string;
  readonly enforcementLevel: Level;
  readonly severity: Severity;
  readonly remediationSteps: string;
  readonly framework?: PolicyComplianceFramework;
  /** The same rule's id in other tools (checkov, trivy), listed in `tags`. */
  readonly otherIds?: readonly string[];
  readonly configSchema?: PolicyConfigSchema;
}

/** A resource policy of this pack. */
export interface Module6ResourcePolicy extends ResourceValidationPolicy {
  readonly kind: "resource";
  readonly domain: Domain;
  readonly enforcementLevel: Level;
  readonly severity: Severity;
  readonly remediationSteps: string;
  readonly tags: string[];
  /** The resource types it checks; it is not applicable to any other. */
  readonly resourceTypes: readonly (TypeToken | typeof ANY_GCP)[];
  readonly validateResource: ResourceValidation;
}

/** A stack policy of this pack. */
export interface Module6StackPolicy extends StackValidationPolicy {
  readonly kind: "stack";
  readonly domain: Domain;
  readonly enforcementLevel: Level;
  readonly severity: Severity;
  readonly remediationSteps: string;
  readonly tags: string[];
}

export type Module6Policy = Module6ResourcePolicy | Module6StackPolicy;

function fields(meta: PolicyMeta, kind: "resource" | "stack") {
  return {
    name: meta.name,
    description: meta.description,
    enforcementLevel: meta.enforcementLevel,
    severity: meta.severity,
    remediationSteps: meta.remediationSteps,
    domain: meta.domain,
    tags: [meta.domain, kind, ...(meta.otherIds ?? [])],
    ...(meta.framework ? { framework: meta.framework } : {}),
    ...(meta.configSchema ? { configSchema: meta.configSchema } : {}),
  };
}

/**
 * A resource policy over `types`, like `validateResourceOfType`: on any other type it calls
 * `args.notApplicable()`, and with a single type it carries `__pulumiType` so the CLI skips other
 * types without calling it. `props` are the resource's inputs.
 */
export function resourcePolicy<P extends object = Record<string, unknown>>(
  meta: PolicyMeta & { readonly types: readonly (TypeToken | typeof ANY_GCP)[] },
  check: (props: P, args: ResourceValidationArgs, report: ReportViolation) => void | Promise<void>,
): Module6ResourcePolicy {
  const types: readonly string[] = meta.types;
  // The check's promise is returned, so the analyzer (and the offline evaluator) await an async check.
  const validateResource: ResourceValidation = (args, report) => {
    if (!matchesType(types, args.type)) {
      args.notApplicable(`Policy only applies to resources of type ${types.join(", ")}`);
    }
    return check(args.props as P, args, report);
  };
  if (types.length === 1 && !types.includes("gcp:*"))
    Object.assign(validateResource, { __pulumiType: types[0] });
  return { ...fields(meta, "resource"), kind: "resource", resourceTypes: meta.types, validateResource };
}

/** A stack policy: it sees every resource's outputs with parents and dependencies. */
export function stackPolicy(meta: PolicyMeta, validateStack: StackValidation): Module6StackPolicy {
  return { ...fields(meta, "stack"), kind: "stack", validateStack };
}
