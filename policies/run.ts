/**
 * Cloud Run: ingress, identity, secrets, invokers and protection of `gcp.cloudrunv2.Service`, and the
 * IAM resources that open a service to callers.
 */
import type * as gcp from "@pulumi/gcp";
import type { Unwrap } from "@pulumi/pulumi";
import type { PolicyResource } from "@pulumi/policy";
import { configProperties, readConfig, schema } from "./lib/config";
import { inEnvironments } from "./lib/environment";
import { checkov, cis } from "./lib/frameworks";
import { grantTarget, IAP_RUN_GRANTS, RUN_GRANTS, RUN_JOB_GRANTS } from "./lib/grants";
import { identityKey, runtimeIdentity } from "./lib/identity";
import { grantsOf, isDefaultServiceAccount, isPublicMember } from "./lib/members";
import { resourcePolicy, stackPolicy, type Module6Policy } from "./lib/policy";
import { displayName, refersTo, StackResources } from "./lib/stack";
import { T } from "./lib/tokens";
import { q, read, shown, str, tryRead, UNKNOWN, prop } from "./lib/values";

type RunService = Unwrap<gcp.cloudrunv2.ServiceArgs>;
type RunJob = Unwrap<gcp.cloudrunv2.JobArgs>;

export const INGRESS_ALL = "INGRESS_TRAFFIC_ALL";
export const INGRESS_LB = "INGRESS_TRAFFIC_INTERNAL_LOAD_BALANCER";
export const INGRESS_INTERNAL = "INGRESS_TRAFFIC_INTERNAL_ONLY";
const UNSET_INGRESS = `the provider treats as ${INGRESS_ALL}`;

/** Environment variable names that look like credentials. */
export const SECRET_LOOKING_NAME = /(PASSWORD|PASSWD|SECRET|TOKEN|API_?KEY|PRIVATE_?KEY|CREDENTIALS?)/i;
/** Values that are credentials whatever the variable is called. */
const SECRET_LOOKING_VALUE = [
  /-----BEGIN [A-Z ]*PRIVATE KEY-----/,
  /AIza[0-9A-Za-z_-]{35}/, // Google API key
  /"type"\s*:\s*"service_account"/, // service-account key file
  /\bgh[pousr]_[A-Za-z0-9]{36}\b/, // GitHub token
  /\bxox[abprs]-[A-Za-z0-9-]{10,}/, // Slack token
];

const serviceName = (props: { name?: string }, logical: string): string => q(props.name ?? logical);

export const cloudRunIngressRestricted = resourcePolicy<RunService>(
  {
    name: "cloud-run-ingress-restricted",
    domain: "run",
    description:
      "Checks that a Cloud Run service accepts requests only through the load balancer or the VPC (ingress INTERNAL_LOAD_BALANCER or INTERNAL_ONLY), or, with ingress ALL, only through IAP on the service itself. Unset ingress is INGRESS_TRAFFIC_ALL.",
    enforcementLevel: "mandatory",
    severity: "high",
    remediationSteps:
      "Set `ingress: INGRESS_TRAFFIC_INTERNAL_LOAD_BALANCER` and route the service through the HTTPS load balancer (service config `ingress: lb`), or make it private with `iapEnabled: true` and IAP members (`access: iap`).",
    types: [T.runService],
  },
  (svc, args, report) => {
    const ingress = svc.ingress ?? INGRESS_ALL;
    if (ingress === INGRESS_LB || ingress === INGRESS_INTERNAL) return;
    if (ingress === INGRESS_ALL && svc.iapEnabled === true) return;
    report(
      `Cloud Run service ${serviceName(svc, args.name)} must restrict ingress to ${INGRESS_LB} or ${INGRESS_INTERNAL}, or enable IAP (iapEnabled: true); ${shown("ingress", svc.ingress, UNSET_INGRESS)}`,
    );
  },
);

export const cloudRunDefaultUrlDisabled = resourcePolicy<RunService>(
  {
    name: "cloud-run-default-url-disabled",
    domain: "run",
    description:
      "Checks that a load-balanced Cloud Run service (ingress INTERNAL_LOAD_BALANCER) disables its run.app URL in the configured environments (default prod), so the load balancer, Cloud Armor and its logs are the only way in. Unset defaultUriDisabled keeps the run.app URL.",
    enforcementLevel: "mandatory",
    severity: "medium",
    remediationSteps:
      "Set `defaultUriDisabled: true` on the service (service config `defaultUrlDisabled: true`; the prod preset does this).",
    configSchema: schema({ environments: configProperties.environments(["prod"]) }),
    types: [T.runService],
  },
  (svc, args, report) => {
    const { environments } = readConfig(args, { environments: ["prod"] });
    if (!inEnvironments(args, args.stackTags, environments)) return;
    if ((svc.ingress ?? INGRESS_ALL) !== INGRESS_LB || svc.defaultUriDisabled === true) return;
    report(
      `Cloud Run service ${serviceName(svc, args.name)} is load-balanced (ingress ${INGRESS_LB}) and must disable its run.app URL (defaultUriDisabled: true); ${shown("defaultUriDisabled", svc.defaultUriDisabled, "keeps the run.app URL enabled")}`,
    );
  },
);

export const cloudRunDedicatedServiceAccount = resourcePolicy<RunService | RunJob>(
  {
    name: "cloud-run-dedicated-service-account",
    domain: "run",
    description:
      "Checks that a Cloud Run service (template.serviceAccount) or job (template.template.serviceAccount) runs as a service account of its own, not Google's default Compute Engine or App Engine account. Unset serviceAccount runs it as the Compute Engine default account, which has Editor on the project.",
    enforcementLevel: "mandatory",
    severity: "high",
    remediationSteps:
      "Create a service account per service or job (the ServiceIdentity component does) and set its template's `serviceAccount` to that e-mail.",
    types: [T.runService, T.runJob],
  },
  (workload, args, report) => {
    const job = args.type === T.runJob;
    const path = job ? "template.template.serviceAccount" : "template.serviceAccount";
    const sa = read(() =>
      job
        ? (workload as RunJob).template?.template?.serviceAccount
        : (workload as RunService).template?.serviceAccount,
    );
    if (sa === UNKNOWN) return; // computed from another resource at preview: set, and not a default account
    const what = `Cloud Run ${job ? "job" : "service"} ${serviceName(workload, args.name)}`;
    if (sa === undefined || sa === "") {
      report(
        `${what} must run as a dedicated service account; ${path} is unset, which runs it as the Compute Engine default service account`,
      );
    } else if (isDefaultServiceAccount(sa)) {
      report(`${what} must run as a dedicated service account, not the default ${q(sa)}`);
    }
  },
);

export const cloudRunSecretsByReference = resourcePolicy<RunService>(
  {
    name: "cloud-run-secrets-by-reference",
    domain: "run",
    description:
      "Checks that a Cloud Run service takes credentials only from Secret Manager by reference (valueSource.secretKeyRef): no plain value for a variable whose name looks like a credential (*PASSWORD*, *SECRET*, *TOKEN*, *API_KEY*, *PRIVATE_KEY*, *CREDENTIALS*) and no value that is one (private keys, Google API keys, service-account keys, GitHub and Slack tokens).",
    enforcementLevel: "mandatory",
    severity: "critical",
    remediationSteps:
      "Declare the secret under `module6:secrets`, set its value with `pulumi config set --secret`, and mount it with the service's `secretEnv` (it becomes a `secretKeyRef`).",
    framework: cis(
      "1.18",
      "Ensure Secrets are Not Stored in Cloud Functions Environment Variables by Using Secret Manager",
    ),
    types: [T.runService],
  },
  (svc, args, report) => {
    for (const container of tryRead(() => svc.template?.containers) ?? []) {
      for (const env of tryRead(() => container.envs) ?? []) {
        // At preview a computed value is unknown but still a plain value; a computed valueSource is a reference.
        const value = read(() => env.value);
        if (value === undefined || read(() => env.valueSource) !== undefined) continue;
        if (SECRET_LOOKING_NAME.test(env.name)) {
          report(
            `Cloud Run service ${serviceName(svc, args.name)} must take ${env.name} from Secret Manager (valueSource.secretKeyRef): its name looks like a credential and it has a plain value`,
          );
        } else if (value !== UNKNOWN && SECRET_LOOKING_VALUE.some((re) => re.test(value))) {
          report(
            `Cloud Run service ${serviceName(svc, args.name)} must take ${env.name} from Secret Manager (valueSource.secretKeyRef): its plain value looks like a credential`,
          );
        }
      }
    }
  },
);

type InvokerGrant = { name?: string; service?: string; role?: string; member?: string; members?: string[] };

export const cloudRunPublicInvokerAllowList = resourcePolicy<InvokerGrant>(
  {
    name: "cloud-run-public-invoker-allow-list",
    domain: "run",
    description:
      "Checks that Cloud Run IAM grants (v2 ServiceIamMember/Binding/Policy, v1 IamMember/Binding/Policy; policy documents parsed) give allUsers or allAuthenticatedUsers only roles/run.invoker, and only on services in the publicInvokerAllowList policy config (empty by default); a Cloud Run job grants them nothing (JobIamMember/Binding/Policy).",
    enforcementLevel: "mandatory",
    severity: "critical",
    remediationSteps:
      "Reach public services through the load balancer with `invokerIamDisabled: true` and load-balancer-only ingress, grant invoker to specific principals, or add the service to `publicInvokerAllowList` in the policy config.",
    framework: checkov(
      "CKV_GCP_102",
      "Ensure that GCP Cloud Run services are not anonymously or publicly accessible",
    ),
    configSchema: schema({ publicInvokerAllowList: configProperties.publicInvokerAllowList }),
    types: [...RUN_GRANTS, ...RUN_JOB_GRANTS],
  },
  (grant, args, report) => {
    if ((RUN_JOB_GRANTS as readonly string[]).includes(args.type)) {
      for (const g of grantsOf(args.props))
        for (const member of g.members.filter(isPublicMember))
          report(
            `IAM grant on ${grantTarget(args.type, args.props, args.name)} must not give ${g.role} to ${member}`,
          );
      return;
    }
    const { publicInvokerAllowList } = readConfig(args, { publicInvokerAllowList: [] as string[] });
    const name = str(tryRead(() => grant.name ?? grant.service)) ?? args.name;
    for (const g of grantsOf(args.props)) {
      for (const member of g.members.filter(isPublicMember)) {
        if (g.role !== "roles/run.invoker") {
          report(`Cloud Run service ${q(name)} must not grant ${g.role} to ${member}`);
        } else if (!publicInvokerAllowList.includes(name)) {
          const allowed = publicInvokerAllowList.length
            ? `allowed: ${publicInvokerAllowList.map((s) => q(s)).join(", ")}`
            : "the allow list is empty";
          report(
            `Cloud Run service ${q(name)} must not grant roles/run.invoker to ${member} unless it is in the publicInvokerAllowList policy config (${allowed})`,
          );
        }
      }
    }
  },
);

export const cloudRunInvokerCheckNeedsRestrictedIngress = resourcePolicy<RunService>(
  {
    name: "cloud-run-invoker-check-needs-restricted-ingress",
    domain: "run",
    description:
      "Checks that a Cloud Run service that disables the invoker IAM check (invokerIamDisabled: true) accepts requests only from the load balancer or the VPC; otherwise anyone on the internet can call it. Unset invokerIamDisabled keeps the check; unset ingress is INGRESS_TRAFFIC_ALL.",
    enforcementLevel: "mandatory",
    severity: "critical",
    remediationSteps:
      "Set `ingress: INGRESS_TRAFFIC_INTERNAL_LOAD_BALANCER` on a service with `invokerIamDisabled: true`, or keep the invoker check and grant roles/run.invoker to specific principals.",
    types: [T.runService],
  },
  (svc, args, report) => {
    if (svc.invokerIamDisabled !== true) return;
    const ingress = svc.ingress ?? INGRESS_ALL;
    if (ingress === INGRESS_LB || ingress === INGRESS_INTERNAL) return;
    report(
      `Cloud Run service ${serviceName(svc, args.name)} disables the invoker IAM check (invokerIamDisabled: true), so it must restrict ingress to ${INGRESS_LB} or ${INGRESS_INTERNAL}; ${shown("ingress", svc.ingress, UNSET_INGRESS)}`,
    );
  },
);

export const cloudRunDeletionProtection = resourcePolicy<RunService>(
  {
    name: "cloud-run-deletion-protection",
    domain: "run",
    description:
      "Checks that a Cloud Run service keeps the provider's deletion protection in the configured environments (default prod and staging). Unset deletionProtection is true; feature stacks set false to stay destroyable.",
    enforcementLevel: "mandatory",
    severity: "medium",
    remediationSteps:
      "Remove `deletionProtection: false` (the prod and staging presets keep protection on); only feature environments may turn it off.",
    configSchema: schema({ environments: configProperties.environments(["prod", "staging"]) }),
    types: [T.runService],
  },
  (svc, args, report) => {
    const { environments } = readConfig(args, { environments: ["prod", "staging"] });
    if (svc.deletionProtection !== false || !inEnvironments(args, args.stackTags, environments)) return;
    report(
      `Cloud Run service ${serviceName(svc, args.name)} must keep deletion protection on (deletionProtection is false)`,
    );
  },
);

/** True for an image reference with a digest or a tag other than `latest`. */
export function isPinnedImage(image: string): boolean {
  if (/@sha256:[0-9a-f]{64}$/.test(image)) return true;
  const lastPart = image.slice(image.lastIndexOf("/") + 1);
  const colon = lastPart.lastIndexOf(":");
  return colon > 0 && lastPart.slice(colon + 1) !== "latest" && lastPart.slice(colon + 1) !== "";
}

export const cloudRunImagePinned = resourcePolicy<RunService>(
  {
    name: "cloud-run-image-pinned",
    domain: "run",
    description:
      "Checks that every container image of a Cloud Run service is pinned to a digest or an explicit tag other than latest, so a revision always runs the image that was reviewed.",
    enforcementLevel: "advisory",
    severity: "medium",
    remediationSteps:
      "Deploy `<repository>/<image>:<version>` (immutable tags in Artifact Registry) or `<image>@sha256:<digest>`.",
    types: [T.runService],
  },
  (svc, args, report) => {
    for (const container of tryRead(() => svc.template?.containers) ?? []) {
      const image = tryRead(() => container.image);
      if (typeof image === "string" && !image.startsWith("[") && !isPinnedImage(image)) {
        report(
          `Cloud Run service ${serviceName(svc, args.name)} must pin image ${q(image)} to a digest or a tag other than latest`,
        );
      }
    }
  },
);

type IapGrant = { cloudRunServiceName?: string; role?: string; member?: string; members?: string[] };

export const iapNoPublicAccess = resourcePolicy<IapGrant>(
  {
    name: "iap-no-public-access",
    domain: "run",
    description:
      "Checks that IAP access to a Cloud Run service (WebCloudRunServiceIamMember/Binding/Policy) is never granted to allUsers or allAuthenticatedUsers, which would let anyone through the identity-aware proxy.",
    enforcementLevel: "mandatory",
    severity: "critical",
    remediationSteps:
      "Grant roles/iap.httpsResourceAccessor to groups (`group:…`) or users, never to allUsers.",
    framework: cis(
      "3.10",
      "Use Identity Aware Proxy (IAP) to Ensure Only Traffic From Google IP Addresses are 'Allowed'",
    ),
    types: IAP_RUN_GRANTS,
  },
  (grant, args, report) => {
    for (const g of grantsOf(args.props)) {
      for (const member of g.members.filter(isPublicMember)) {
        report(
          `IAP access to Cloud Run service ${q(str(tryRead(() => grant.cloudRunServiceName)) ?? args.name)} must not be granted to ${member} (${g.role})`,
        );
      }
    }
  },
);

function locationOf(r: PolicyResource): string | undefined {
  const location = str(prop(r, "location"));
  return location && !location.startsWith("[") ? location : undefined;
}

/** True when an IAM resource on Cloud Run (`nameProp` = name / cloudRunServiceName) targets `service`. */
export function targetsService(grant: PolicyResource, nameProp: string, service: PolicyResource): boolean {
  const a = locationOf(grant);
  const b = locationOf(service);
  return (a === undefined || b === undefined || a === b) && refersTo(grant, nameProp, service, "services");
}

export const cloudRunServiceAccountNotShared = stackPolicy(
  {
    name: "cloud-run-service-account-not-shared",
    domain: "run",
    description:
      "Checks that no two Cloud Run services (by service name; one service in several regions counts once) run as the same service account, so each service's grants stay its own. Follows template.serviceAccount to the stack's service accounts by value or, at preview, by property dependencies.",
    enforcementLevel: "mandatory",
    severity: "medium",
    remediationSteps: "Give each service its own identity (one ServiceIdentity per service).",
  },
  (args, report) => {
    const stack = new StackResources(args.resources);
    const accounts = stack.ofType(T.serviceAccount);
    const byIdentity = new Map<string, { label: string; services: PolicyResource[] }>();
    for (const svc of stack.ofType(T.runService)) {
      const identity = runtimeIdentity(svc, accounts);
      const key = identityKey(identity);
      if (key === undefined) continue;
      const label = identity.email ?? (identity.account ? displayName(identity.account, "accountId") : key);
      const entry = byIdentity.get(key) ?? { label, services: [] };
      entry.services.push(svc);
      byIdentity.set(key, entry);
    }
    for (const { label, services } of byIdentity.values()) {
      const names = [...new Set(services.map((s) => displayName(s)))];
      if (names.length < 2) continue;
      for (const svc of services) {
        const others = names.filter((n) => n !== displayName(svc));
        report(
          `Cloud Run service ${q(displayName(svc))} must run as a dedicated service account; ${q(label)} is shared with ${others.map((n) => q(n)).join(", ")}`,
          svc.urn,
        );
      }
    }
  },
);

export const IAP_AGENT = /@gcp-sa-iap\.iam\.gserviceaccount\.com$/;

export const cloudRunIapWired = stackPolicy(
  {
    name: "cloud-run-iap-wired",
    domain: "run",
    description:
      "Checks that a Cloud Run service with IAP enabled (iapEnabled: true) grants roles/run.invoker to the IAP service agent and roles/iap.httpsResourceAccessor to at least one principal, linked to the service by name and location or by property dependencies; without them IAP turns every request away.",
    enforcementLevel: "advisory",
    severity: "medium",
    remediationSteps:
      "Use the service's `access: iap` config: it grants invoker to the IAP service agent and IAP access to `iap.members`.",
  },
  (args, report) => {
    const stack = new StackResources(args.resources);
    const invokers = stack.ofType(T.runServiceIamMember, T.runServiceIamBinding, T.runServiceIamPolicy);
    const accessors = stack.ofType(...IAP_RUN_GRANTS);
    for (const svc of stack.ofType(T.runService)) {
      if (prop(svc, "iapEnabled") !== true) continue;
      const name = q(displayName(svc));
      const agentInvoker = invokers.some(
        (g) =>
          targetsService(g, "name", svc) &&
          grantsOf(g.props).some(
            (x) =>
              x.role === "roles/run.invoker" &&
              (x.members.length === 0 || x.members.some((m) => IAP_AGENT.test(m))),
          ),
      );
      if (!agentInvoker) {
        report(
          `Cloud Run service ${name} has IAP enabled and must grant roles/run.invoker to the IAP service agent (service-<project-number>@gcp-sa-iap.iam.gserviceaccount.com)`,
          svc.urn,
        );
      }
      const access = accessors.some(
        (g) =>
          targetsService(g, "cloudRunServiceName", svc) &&
          grantsOf(g.props).some((x) => x.role === "roles/iap.httpsResourceAccessor"),
      );
      if (!access) {
        report(
          `Cloud Run service ${name} has IAP enabled and must grant roles/iap.httpsResourceAccessor to at least one group or user`,
          svc.urn,
        );
      }
    }
  },
);

export const runPolicies: readonly Module6Policy[] = [
  cloudRunIngressRestricted,
  cloudRunDefaultUrlDisabled,
  cloudRunDedicatedServiceAccount,
  cloudRunSecretsByReference,
  cloudRunPublicInvokerAllowList,
  cloudRunInvokerCheckNeedsRestrictedIngress,
  cloudRunDeletionProtection,
  cloudRunImagePinned,
  iapNoPublicAccess,
  cloudRunServiceAccountNotShared,
  cloudRunIapWired,
];
