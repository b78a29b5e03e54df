import { describe, expect, it } from "vitest";
import {
  bucketForceDestroyDisabled,
  bucketIamNoPublicMembers,
  bucketPublicAccessPrevention,
  bucketUniformAccess,
  bucketVersioning,
  publicBucketOnlyCdnOrigin,
} from "../../policies/storage";
import { T } from "../../policies/lib/tokens";
import { mutate, res, UNSET, withOptions } from "../fixtures/policies/build";
import { EDGE, edgeStack, edgeWith } from "../fixtures/policies/edge-stack";
import { previewOf } from "../fixtures/policies/preview";
import { fixtures } from "../fixtures/policies/resources";
import { checkStack, messagesOf, stackMessages } from "./harness";

const bucket = fixtures.bucket;
const NAME = "m6-prod-static-44fb1062";

describe("bucket-uniform-access", () => {
  const p = bucketUniformAccess;
  it("passes uniform access and refuses it off or unset (false)", async () => {
    expect(await messagesOf(p, bucket())).toEqual([]);
    expect(await messagesOf(p, mutate(bucket(), "uniformBucketLevelAccess", false))).toEqual([
      `Bucket "${NAME}" must enable uniform bucket-level access; uniformBucketLevelAccess is false`,
    ]);
    expect(await messagesOf(p, mutate(bucket(), "uniformBucketLevelAccess", UNSET))).toEqual([
      `Bucket "${NAME}" must enable uniform bucket-level access; uniformBucketLevelAccess is unset, which keeps per-object ACLs`,
    ]);
  });
});

describe("bucket-public-access-prevention", () => {
  const p = bucketPublicAccessPrevention;
  it("passes enforced prevention", async () => expect(await messagesOf(p, bucket())).toEqual([]));
  it("refuses inherited, and unset (inherited, not enforced)", async () => {
    expect(await messagesOf(p, mutate(bucket(), "publicAccessPrevention", "inherited"))).toEqual([
      `Bucket "${NAME}" must enforce public access prevention; publicAccessPrevention is "inherited"`,
    ]);
    expect(await messagesOf(p, mutate(bucket(), "publicAccessPrevention", UNSET))).toEqual([
      `Bucket "${NAME}" must enforce public access prevention; publicAccessPrevention is unset, which is "inherited" (not enforced)`,
    ]);
  });
  it("exempts a bucket named in publicBuckets", async () => {
    expect(
      await messagesOf(p, mutate(bucket(), "publicAccessPrevention", UNSET), {
        config: { publicBuckets: [NAME] },
      }),
    ).toEqual([]);
  });
});

describe("bucket-iam-no-public-members", () => {
  const p = bucketIamNoPublicMembers;
  const grant = fixtures.bucketIamMember;
  it("passes the CDN fill agent as reader", async () => expect(await messagesOf(p, grant())).toEqual([]));
  it("refuses a public reader unless the bucket is listed in publicBuckets", async () => {
    const pub = mutate(grant(), "member", "allUsers");
    expect(await messagesOf(p, pub)).toEqual([
      `Bucket "${NAME}" must not grant roles/storage.objectViewer to allUsers`,
    ]);
    expect(await messagesOf(p, pub, { config: { publicBuckets: [NAME] } })).toEqual([]);
  });
  it("refuses public write access even on a listed bucket", async () => {
    const writer = mutate(
      mutate(grant(), "member", "allAuthenticatedUsers"),
      "role",
      "roles/storage.objectAdmin",
    );
    expect(await messagesOf(p, writer, { config: { publicBuckets: [NAME] } })).toEqual([
      `Bucket "${NAME}" must not grant roles/storage.objectAdmin to allAuthenticatedUsers`,
    ]);
  });
  it("reads bindings, policies and ACLs", async () => {
    const binding = res(T.bucketIamBinding, "b", {
      bucket: "b/x",
      role: "roles/storage.objectViewer",
      members: ["allUsers"],
    });
    const policy = res(T.bucketIamPolicy, "p", {
      bucket: "x",
      policyData: JSON.stringify({
        bindings: [{ role: "roles/storage.admin", members: ["allUsers", "group:g@example.com"] }],
      }),
    });
    expect(await messagesOf(p, binding)).toEqual([
      'Bucket "x" must not grant roles/storage.objectViewer to allUsers',
    ]);
    expect(await messagesOf(p, policy)).toEqual([
      'Bucket "x" must not grant roles/storage.admin to allUsers',
    ]);
    expect(await messagesOf(p, fixtures.bucketAcl())).toEqual([]);
    expect(await messagesOf(p, mutate(fixtures.bucketAcl(), "roleEntities", ["READER:allUsers"]))).toEqual([
      `Bucket "${NAME}" must not grant READER to allUsers`,
    ]);
    expect(await messagesOf(p, mutate(fixtures.bucketAcl(), "predefinedAcl", "publicRead"))).toEqual([
      `Bucket "${NAME}" must not grant predefinedAcl publicRead to allUsers`,
    ]);
  });
  it("reads a bucket's IAM policy document", async () => {
    const doc = JSON.stringify({ bindings: [{ role: "roles/storage.admin", members: ["allUsers"] }] });
    expect(await messagesOf(p, res(T.bucketIamPolicy, "p", { bucket: "b", policyData: doc }))).toEqual([
      'Bucket "b" must not grant roles/storage.admin to allUsers',
    ]);
  });
});

describe("bucket-versioning", () => {
  const p = bucketVersioning;
  it("passes versioning, or a retention policy instead", async () => {
    expect(await messagesOf(p, bucket())).toEqual([]);
    const retained = mutate(mutate(bucket(), "versioning.enabled", false), "retentionPolicy", {
      retentionPeriod: "34560000",
      isLocked: true,
    });
    expect(await messagesOf(p, retained)).toEqual([]);
  });
  it("flags neither, unset versioning meaning off", async () => {
    expect(await messagesOf(p, mutate(bucket(), "versioning", UNSET))).toEqual([
      `Bucket "${NAME}" must enable object versioning or set a retention policy; versioning.enabled is unset, which means versioning is off`,
    ]);
  });
});

describe("bucket-force-destroy-disabled", () => {
  const p = bucketForceDestroyDisabled;
  it("passes unset forceDestroy (false) and refuses true outside feature stacks", async () => {
    expect(await messagesOf(p, bucket())).toEqual([]);
    expect(await messagesOf(p, mutate(bucket(), "forceDestroy", true))).toEqual([
      `Bucket "${NAME}" must not set forceDestroy: true in this environment`,
    ]);
    expect(
      await messagesOf(p, mutate(mutate(bucket(), "forceDestroy", true), "labels.env", "feature"), {
        env: "feature",
      }),
    ).toEqual([]);
  });
});

describe("public-bucket-only-cdn-origin (stack)", () => {
  const p = publicBucketOnlyCdnOrigin;
  const edge = edgeStack();
  const publicRead = withOptions(mutate(edge.cdnRead, "member", "allUsers"), {
    propertyDependencies: { bucket: [EDGE.bucket] },
  });
  it("passes the program's private static bucket (the CDN fill agent reads it)", async () => {
    expect(await stackMessages(p, edgeWith())).toEqual([]);
  });
  it("accepts a public CDN origin that grants only object reads, also at preview", async () => {
    expect(await stackMessages(p, edgeWith({ cdnRead: publicRead }))).toEqual([]);
    expect(await stackMessages(p, previewOf(edgeWith({ cdnRead: publicRead })), { preview: true })).toEqual(
      [],
    );
  });
  it("refuses a public bucket that is no CDN origin", async () => {
    expect(
      await checkStack(
        p,
        edgeWith({ cdnRead: publicRead, backendBucket: mutate(edge.backendBucket, "enableCdn", false) }),
      ),
    ).toEqual([
      {
        urn: EDGE.bucket,
        message: `Bucket "${NAME}" is public (roles/storage.objectViewer for allUsers) and must be the origin of a Cloud CDN backend bucket; only the CDN origin may be public`,
      },
    ]);
    const other = res(T.bucket, "uploads", { ...bucket().inputs, name: "m6-prod-uploads" });
    const otherRead = res(T.bucketIamMember, "uploads-public", {
      bucket: "m6-prod-uploads",
      role: "roles/storage.objectViewer",
      member: "allUsers",
    });
    expect(await stackMessages(p, edgeWith().concat(other, otherRead))).toEqual([
      'Bucket "m6-prod-uploads" is public (roles/storage.objectViewer for allUsers) and must be the origin of a Cloud CDN backend bucket; only the CDN origin may be public',
    ]);
  });
  it("refuses public write access to the CDN origin", async () => {
    const writer = mutate(publicRead, "role", "roles/storage.objectCreator");
    expect(await stackMessages(p, edgeWith({ cdnRead: writer }))).toEqual([
      `Public bucket "${NAME}" must grant allUsers only read access to objects; it grants roles/storage.objectCreator`,
    ]);
  });
});
