import * as gcp from "@pulumi/gcp";
import type * as pulumi from "@pulumi/pulumi";
import { Component } from "./shared/component";
import { patternRule, Problems, type ProblemSink } from "./shared/validation";

/** Arguments of {@link ProjectServices}. */
export interface ProjectServicesArgs {
  /** GCP project id whose APIs are enabled. */
  readonly project: pulumi.Input<string>;
  /** APIs to enable, e.g. `run.googleapis.com`. Duplicates are rejected. */
  readonly apis: readonly string[];
  /**
   * APIs whose Google-managed service agent must exist before use (e.g. `iap.googleapis.com` for IAP on
   * Cloud Run). Each must also be in `apis`.
   * @default - no service agents are created
   */
  readonly serviceAgents?: readonly string[];
}

/** An API's service name; the stack config applies this rule to `apis` too. */
export const API_RULE = patternRule(
  /^[a-z][a-z0-9-]*(\.[a-z0-9-]+)*\.googleapis\.com$/,
  "a service name like run.googleapis.com",
);

/**
 * Each API once, and no two APIs whose resources would share a logical name (`a.b.googleapis.com` and
 * `a-b.googleapis.com`). `path` names where the i-th API comes from.
 */
export function checkApiList(
  p: ProblemSink,
  apis: readonly string[],
  path: (i: number) => string = (i) => `apis[${i}]`,
): void {
  const seen = new Set<string>();
  const keys = new Set<string>();
  apis.forEach((api, i) => {
    if (p.check(!seen.has(api), path(i), api, "each API once"))
      p.check(
        !keys.has(apiKey(api)),
        path(i),
        api,
        `an API whose resource name (${apiKey(api)}) is not already taken`,
      );
    seen.add(api);
    keys.add(apiKey(api));
  });
}

/** Checks {@link ProjectServicesArgs}; throws one `ValidationError` naming every problem. */
export function validateProjectServicesArgs(args: ProjectServicesArgs): void {
  const problems = new Problems("ProjectServices");
  args.apis.forEach((api, i) => problems.rule(`apis[${i}]`, api, API_RULE));
  checkApiList(problems, args.apis);
  const seen = new Set(args.apis);
  (args.serviceAgents ?? []).forEach((api, i) =>
    problems.check(
      seen.has(api),
      `serviceAgents[${i}]`,
      api,
      `one of the enabled apis (${[...seen].join(", ")})`,
    ),
  );
  problems.throwIfAny();
}

/** Logical name of one API's resource: `run.googleapis.com` → `run`. */
function apiKey(api: string): string {
  return api.replace(/\.googleapis\.com$/, "").replace(/\./g, "-");
}

/**
 * Enables the APIs the program needs. APIs are never disabled on destroy: other stacks in the same
 * project (feature environments) and resources outside Pulumi may still use them.
 */
export class ProjectServices extends Component {
  /** The enabled APIs by service name. */
  readonly services: Readonly<Record<string, gcp.projects.Service>>;
  /** Emails of the service agents requested in `serviceAgents`, by API. */
  readonly serviceAgentEmails: Readonly<Record<string, pulumi.Output<string>>>;

  constructor(name: string, args: ProjectServicesArgs, opts?: pulumi.ComponentResourceOptions) {
    validateProjectServicesArgs(args);
    super("module6:project:Services", name, opts);

    const services: Record<string, gcp.projects.Service> = {};
    for (const api of args.apis) {
      services[api] = new gcp.projects.Service(
        `${name}-${apiKey(api)}`,
        { project: args.project, service: api, disableOnDestroy: false, disableDependentServices: false },
        this.child(),
      );
    }
    const agents: Record<string, pulumi.Output<string>> = {};
    for (const api of args.serviceAgents ?? []) {
      const identity = new gcp.projects.ServiceIdentity(
        `${name}-${apiKey(api)}-agent`,
        { project: args.project, service: api },
        this.child({ dependsOn: services[api] ? [services[api]] : [] }),
      );
      agents[api] = identity.email;
    }
    this.services = services;
    this.serviceAgentEmails = agents;
    this.registerOutputs({ apis: Object.keys(services), serviceAgentEmails: agents });
  }
}
