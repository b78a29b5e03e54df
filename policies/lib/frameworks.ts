/** Compliance framework references the policies carry (`Policy.framework`). */
import type { PolicyComplianceFramework } from "@pulumi/policy";

/** A control of the CIS Google Cloud Platform Foundation Benchmark v2.0.0. */
export function cis(control: string, title: string): PolicyComplianceFramework {
  return {
    name: "CIS Google Cloud Platform Foundation Benchmark",
    version: "2.0.0",
    reference: control,
    specification: title,
  };
}

/** A checkov check id (`CKV_GCP_…`, `CKV2_GCP_…`). */
export function checkov(id: string, title: string): PolicyComplianceFramework {
  return { name: "checkov", version: "3", reference: id, specification: title };
}

/** A trivy (Aqua vulnerability database) check id (`AVD-GCP-…`). */
export function trivy(id: string, title: string): PolicyComplianceFramework {
  return { name: "trivy", version: "0.50", reference: id, specification: title };
}
