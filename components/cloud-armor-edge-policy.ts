import * as gcp from "@pulumi/gcp";
import type * as pulumi from "@pulumi/pulumi";
import { accessRules, checkAccessLists, defaultRule, type AccessLists } from "./cloud-armor-policy";
import { Component } from "./shared/component";
import { componentLabels, type CommonArgs } from "./shared/types";
import { Problems } from "./shared/validation";

/** Arguments of {@link CloudArmorEdgePolicy}. */
export interface CloudArmorEdgePolicyArgs extends Omit<CommonArgs, "region">, AccessLists {
  /** Logical name; the policy name is `naming.name("generic", name)`. */
  readonly name: string;
  /**
   * Puts the denied-regions rules in preview: logged, not enforced.
   * @default false
   */
  readonly preview?: boolean;
  /**
   * What happens to traffic no rule matched.
   * @default "allow"
   */
  readonly defaultAction?: "allow" | "deny";
}

/** Checks {@link CloudArmorEdgePolicyArgs}; throws one `ValidationError` naming every problem. */
export function validateCloudArmorEdgePolicyArgs(args: CloudArmorEdgePolicyArgs): void {
  const p = new Problems(`CloudArmorEdgePolicy "${args.name}"`);
  checkAccessLists(p, args);
  p.throwIfAny();
}

/**
 * A Cloud Armor edge security policy (`CLOUD_ARMOR_EDGE`) for backend buckets, which take no backend
 * (`CLOUD_ARMOR`) policy: it is evaluated before the Cloud CDN cache, on every request, cached or not
 * (https://cloud.google.com/compute/docs/reference/rest/v1/securityPolicies, `type`). Edge policies filter
 * by source IP and region only — allow list, deny list, denied regions and a default rule. They take no
 * preconfigured WAF rules, no rate limiting and no Adaptive Protection
 * (https://cloud.google.com/armor/docs/security-policy-overview#edge-policies), and the API refuses
 * `advancedOptionsConfig` on them ("Advanced options for Cloud Armor are currently only supported for
 * security policies with CLOUD_ARMOR type", GoogleCloudPlatform/terraform-google-cloud-armor#38; that
 * module's main.tf also leaves `adaptive_protection_config` out for CLOUD_ARMOR_EDGE, and its
 * examples/global-edge-security-policy/main.tf matches `origin.region_code` in an edge policy).
 */
export class CloudArmorEdgePolicy extends Component {
  readonly policy: gcp.compute.SecurityPolicy;
  /** The policy's id, for `edgeSecurityPolicy` of backend buckets. */
  readonly id: pulumi.Output<string>;

  constructor(name: string, args: CloudArmorEdgePolicyArgs, opts?: pulumi.ComponentResourceOptions) {
    validateCloudArmorEdgePolicyArgs(args);
    super("module6:edge:CloudArmorEdgePolicy", name, opts);
    this.policy = new gcp.compute.SecurityPolicy(
      name,
      {
        project: args.project,
        name: args.naming.name("generic", args.name),
        description: "IP and region filtering of static assets before Cloud CDN (managed by Pulumi)",
        type: "CLOUD_ARMOR_EDGE",
        labels: componentLabels(args.labels, "cloud-armor-edge"),
        rules: [...accessRules(args, args.preview ?? false), defaultRule(args.defaultAction)],
      },
      this.child(),
    );
    this.id = this.policy.id;
    this.registerOutputs({ id: this.id });
  }
}
