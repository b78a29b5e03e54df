/**
 * The pack against the program's own plans: prod, staging and a feature stack pass with no mandatory
 * violation (also as a preview, when computed values are unknown), and a prod plan made insecure in one
 * way is caught by the policy for that way.
 */
import { beforeAll, describe, expect, it } from "vitest";
import { T } from "../../policies/lib/tokens";
import { evaluatePolicies, type Violation } from "../../plan/policy-eval";
import { renderJson, type ExportDocument, type ExportResource } from "../../plan/render-json";
import { asPreview } from "../fixtures/policies/preview";
import { sharedPlan } from "../helpers/shared-plans";

const STACKS = ["prod", "staging", "feature-pr-123"] as const;
const plans = new Map<string, ExportDocument>();

// The JSON `npm run plan -- --stack <stack> --format json` prints: the plan rendered as an export document.
beforeAll(async () => {
  const planned = await Promise.all(STACKS.map((stack) => sharedPlan(stack)));
  planned.forEach((p, i) => plans.set(STACKS[i] ?? "", renderJson(p)));
}, 120_000);

const plan = (stack: string): ExportDocument => structuredClone(plans.get(stack) as ExportDocument);
const mandatory = (violations: readonly Violation[]): string[] =>
  violations.filter((v) => v.enforcementLevel === "mandatory").map((v) => `${v.policy}: ${v.message}`);

describe("the program's own stacks", () => {
  it.each(STACKS)("%s passes with no mandatory violation and no advisory finding", async (stack) => {
    const violations = await evaluatePolicies(plan(stack));
    expect(mandatory(violations)).toEqual([]);
    expect(violations.map((v) => `${v.policy}: ${v.message}`)).toEqual([]);
  });

  it.each(STACKS)("%s passes as a preview, its links followed through dependencies", async (stack) => {
    const violations = await evaluatePolicies(asPreview(plan(stack)), { preview: true });
    expect(violations.map((v) => `${v.enforcementLevel} ${v.policy}: ${v.message}`)).toEqual([]);
  });

  it("plans what the stack policies look at", () => {
    const types = new Set(plan("prod").deployment.resources.map((r) => r.type));
    for (const t of [
      T.runService,
      T.neg,
      T.backendService,
      T.urlMap,
      T.httpsProxy,
      T.httpProxy,
      T.forwardingRule,
      T.sslPolicy,
      T.securityPolicy,
      T.firestoreDatabase,
      T.backupSchedule,
      T.secretIamMember,
    ]) {
      expect(types.has(t), t).toBe(true);
    }
  });
});

type Change = (resources: ExportResource[]) => ExportResource[];

const named = (resources: ExportResource[], type: string, name: string): ExportResource => {
  const found = resources.find((r) => r.type === type && r.urn.endsWith(`::${name}`));
  if (!found) throw new Error(`no ${type} ${name} in the plan`);
  return found;
};
const edit =
  (type: string, name: string, change: (r: ExportResource) => void): Change =>
  (resources) => {
    const r = named(resources, type, name);
    change(r);
    return resources;
  };
const setInput =
  (key: string, value: unknown) =>
  (r: ExportResource): void => {
    if (value === undefined) {
      delete r.inputs[key];
      delete r.outputs[key];
    } else {
      r.inputs[key] = value;
      r.outputs[key] = value;
    }
  };
const drop =
  (type: string): Change =>
  (resources) =>
    resources.filter((r) => r.type !== type);
const add =
  (make: (resources: ExportResource[]) => ExportResource): Change =>
  (resources) => [...resources, make(resources)];

const cases: [string, Change, string[]][] = [
  [
    "a backend service without Cloud Armor",
    edit(T.backendService, "env-edge-api", (r) => {
      setInput("securityPolicy", undefined)(r);
      r.propertyDependencies = { backends: r.propertyDependencies?.backends ?? [] };
    }),
    ["backend-service-cloud-armor", "cloud-run-public-only-through-load-balancer"],
  ],
  [
    "a public bucket",
    add((resources) => ({
      ...named(resources, T.bucketIamMember, "env-edge-static-cdn-read"),
      urn: named(resources, T.bucketIamMember, "env-edge-static-cdn-read").urn.replace(/cdn-read$/, "public"),
      inputs: {
        ...named(resources, T.bucketIamMember, "env-edge-static-cdn-read").inputs,
        member: "allUsers",
      },
    })),
    ["bucket-iam-no-public-members"],
  ],
  [
    "a bucket without public access prevention",
    edit(T.bucket, "env-edge-static", setInput("publicAccessPrevention", undefined)),
    ["bucket-public-access-prevention"],
  ],
  [
    "a project-level secretAccessor",
    (resources) => {
      const grant = resources.find(
        (r) => r.type === T.projectIamMember && r.inputs.role === "roles/logging.logWriter",
      );
      if (!grant) throw new Error("no logWriter grant in the plan");
      setInput("role", "roles/secretmanager.secretAccessor")(grant);
      return resources;
    },
    ["iam-no-project-level-secret-accessor"],
  ],
  ["a Firestore database without backups", drop(T.backupSchedule), ["firestore-backup-schedule"]],
  [
    "Firestore without point-in-time recovery",
    edit(T.firestoreDatabase, "env-firestore", setInput("pointInTimeRecoveryEnablement", undefined)),
    ["firestore-point-in-time-recovery"],
  ],
  [
    "Firestore without Pulumi protect",
    edit(T.firestoreDatabase, "env-firestore", (r) => (r.protect = false)),
    ["stateful-resources-protected"],
  ],
  [
    "a weak SSL policy",
    edit(T.sslPolicy, "env-edge", setInput("profile", "COMPATIBLE")),
    ["ssl-policy-modern-tls", "https-proxy-strong-ssl-policy"],
  ],
  [
    "port 80 serving the site",
    edit(T.urlMap, "env-edge-redirect", (r) => {
      setInput("defaultUrlRedirect", undefined)(r);
      setInput(
        "defaultService",
        "https://www.googleapis.com/compute/v1/projects/p/global/backendBuckets/x",
      )(r);
    }),
    ["http-port-80-redirect-only"],
  ],
  [
    "a Cloud Run service open to the internet",
    edit(T.runService, "env-api", setInput("ingress", "INGRESS_TRAFFIC_ALL")),
    [
      "cloud-run-ingress-restricted",
      "cloud-run-invoker-check-needs-restricted-ingress",
      "cloud-run-public-only-through-load-balancer",
    ],
  ],
  [
    "a credential in a plain environment variable",
    edit(T.runService, "env-web", (r) => {
      const template = structuredClone(r.inputs.template) as {
        containers: { envs: { name: string; value?: string }[] }[];
      };
      template.containers[0]?.envs.push({ name: "DB_PASSWORD", value: "sampleclear" });
      setInput("template", template)(r);
    }),
    ["cloud-run-secrets-by-reference"],
  ],
  [
    "a runtime account granted a secret it does not mount",
    add((resources) => {
      const grant = named(resources, T.secretIamMember, "env-secrets-ai-api-key-access-ai");
      const api = named(resources, T.secretIamMember, "env-secrets-session-key-access-api");
      return {
        ...grant,
        urn: grant.urn.replace(/access-ai$/, "access-api"),
        inputs: { ...grant.inputs, member: api.inputs.member },
        outputs: { ...grant.outputs, member: api.inputs.member },
        propertyDependencies: {
          ...grant.propertyDependencies,
          member: api.propertyDependencies?.member ?? [],
        },
      };
    }),
    ["secret-accessor-only-mounted"],
  ],
  [
    "a WAF in preview in prod",
    edit(T.securityPolicy, "env-edge-armor", (r) => {
      const rules = structuredClone(r.inputs.rules) as { preview?: boolean }[];
      for (const rule of rules) rule.preview = true;
      setInput("rules", rules)(r);
    }),
    ["cloud-armor-log4j-blocked", "cloud-armor-waf-rules"],
  ],
  ["a prod service without an uptime check", drop(T.uptimeCheck), ["prod-service-uptime-check"]],
  [
    "alerts that notify nobody (a known, empty channel list)",
    (resources) => {
      for (const r of resources.filter((x) => x.type === T.alertPolicy))
        setInput("notificationChannels", [])(r);
      return resources;
    },
    ["alert-policy-notification-channels", "prod-service-burn-rate-alert"],
  ],
];

describe("a prod plan made insecure in one way", () => {
  it.each(cases)("is caught: %s", async (_case, change, policies) => {
    const doc = plan("prod");
    doc.deployment.resources = change(doc.deployment.resources);
    const caught = [...new Set((await evaluatePolicies(doc)).map((v) => v.policy))].sort();
    expect(caught).toEqual([...policies].sort());
  });
});
