import * as pulumi from "@pulumi/pulumi";
import * as random from "@pulumi/random";
import type { Naming } from "./types";

/**
 * A globally unique Cloud Storage bucket name: `<prefix>-<env>-<name>-<8 hex>`, at most 63 characters.
 * The random suffix is a `random.RandomId` whose keepers are the name prefix, so it never churns: it
 * changes only when the prefix does (which renames, and so replaces, the bucket anyway). It is named after
 * `resourceName`, the owning resource's logical name, which is unique in the stack.
 */
export function uniqueBucketName(
  resourceName: string,
  name: string,
  naming: Naming,
  parent: pulumi.Resource,
): pulumi.Output<string> {
  const prefix = naming.name("bucketPrefix", name);
  const suffix = new random.RandomId(
    `${resourceName}-suffix`,
    { byteLength: 4, keepers: { prefix } },
    { parent },
  );
  return pulumi.interpolate`${prefix}-${suffix.hex}`;
}
