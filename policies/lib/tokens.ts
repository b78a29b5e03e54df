/**
 * Pulumi type tokens of the resources the pack checks. They keep the provider's own casing
 * (`gcp:compute/uRLMap:URLMap`, `gcp:projects/iAMMember:IAMMember`); a test resolves each one against
 * `@pulumi/gcp` so a typo can never silently make a policy "not applicable".
 */
export const T = {
  // Cloud Run and IAP
  runService: "gcp:cloudrunv2/service:Service",
  runServiceIamMember: "gcp:cloudrunv2/serviceIamMember:ServiceIamMember",
  runServiceIamBinding: "gcp:cloudrunv2/serviceIamBinding:ServiceIamBinding",
  runServiceIamPolicy: "gcp:cloudrunv2/serviceIamPolicy:ServiceIamPolicy",
  runJob: "gcp:cloudrunv2/job:Job",
  runJobIamMember: "gcp:cloudrunv2/jobIamMember:JobIamMember",
  runJobIamBinding: "gcp:cloudrunv2/jobIamBinding:JobIamBinding",
  runJobIamPolicy: "gcp:cloudrunv2/jobIamPolicy:JobIamPolicy",
  runV1IamMember: "gcp:cloudrun/iamMember:IamMember",
  runV1IamBinding: "gcp:cloudrun/iamBinding:IamBinding",
  runV1IamPolicy: "gcp:cloudrun/iamPolicy:IamPolicy",
  iapRunMember: "gcp:iap/webCloudRunServiceIamMember:WebCloudRunServiceIamMember",
  iapRunBinding: "gcp:iap/webCloudRunServiceIamBinding:WebCloudRunServiceIamBinding",
  iapRunPolicy: "gcp:iap/webCloudRunServiceIamPolicy:WebCloudRunServiceIamPolicy",
  // Load balancing and edge
  sslPolicy: "gcp:compute/sSLPolicy:SSLPolicy",
  sslCertificate: "gcp:compute/sSLCertificate:SSLCertificate",
  urlMap: "gcp:compute/uRLMap:URLMap",
  httpsProxy: "gcp:compute/targetHttpsProxy:TargetHttpsProxy",
  httpProxy: "gcp:compute/targetHttpProxy:TargetHttpProxy",
  forwardingRule: "gcp:compute/globalForwardingRule:GlobalForwardingRule",
  backendService: "gcp:compute/backendService:BackendService",
  backendBucket: "gcp:compute/backendBucket:BackendBucket",
  neg: "gcp:compute/regionNetworkEndpointGroup:RegionNetworkEndpointGroup",
  securityPolicy: "gcp:compute/securityPolicy:SecurityPolicy",
  securityPolicyRule: "gcp:compute/securityPolicyRule:SecurityPolicyRule",
  globalAddress: "gcp:compute/globalAddress:GlobalAddress",
  certificate: "gcp:certificatemanager/certificate:Certificate",
  certificateMap: "gcp:certificatemanager/certificateMap:CertificateMap",
  certificateMapEntry: "gcp:certificatemanager/certificateMapEntry:CertificateMapEntry",
  dnsAuthorization: "gcp:certificatemanager/dnsAuthorization:DnsAuthorization",
  // Network
  firewall: "gcp:compute/firewall:Firewall",
  network: "gcp:compute/network:Network",
  subnetwork: "gcp:compute/subnetwork:Subnetwork",
  redis: "gcp:redis/instance:Instance",
  serviceNetworkingConnection: "gcp:servicenetworking/connection:Connection",
  // Storage
  bucket: "gcp:storage/bucket:Bucket",
  bucketIamMember: "gcp:storage/bucketIAMMember:BucketIAMMember",
  bucketIamBinding: "gcp:storage/bucketIAMBinding:BucketIAMBinding",
  bucketIamPolicy: "gcp:storage/bucketIAMPolicy:BucketIAMPolicy",
  bucketAcl: "gcp:storage/bucketACL:BucketACL",
  // Firestore
  firestoreDatabase: "gcp:firestore/database:Database",
  backupSchedule: "gcp:firestore/backupSchedule:BackupSchedule",
  // Secret Manager
  smSecret: "gcp:secretmanager/secret:Secret",
  secretVersion: "gcp:secretmanager/secretVersion:SecretVersion",
  secretIamMember: "gcp:secretmanager/secretIamMember:SecretIamMember",
  secretIamBinding: "gcp:secretmanager/secretIamBinding:SecretIamBinding",
  secretIamPolicy: "gcp:secretmanager/secretIamPolicy:SecretIamPolicy",
  // IAM
  projectIamMember: "gcp:projects/iAMMember:IAMMember",
  projectIamBinding: "gcp:projects/iAMBinding:IAMBinding",
  projectIamPolicy: "gcp:projects/iAMPolicy:IAMPolicy",
  folderIamMember: "gcp:folder/iAMMember:IAMMember",
  folderIamBinding: "gcp:folder/iAMBinding:IAMBinding",
  folderIamPolicy: "gcp:folder/iAMPolicy:IAMPolicy",
  orgIamMember: "gcp:organizations/iAMMember:IAMMember",
  orgIamBinding: "gcp:organizations/iAMBinding:IAMBinding",
  orgIamPolicy: "gcp:organizations/iAMPolicy:IAMPolicy",
  project: "gcp:organizations/project:Project",
  projectAuditConfig: "gcp:projects/iAMAuditConfig:IAMAuditConfig",
  projectService: "gcp:projects/service:Service",
  serviceAccount: "gcp:serviceaccount/account:Account",
  serviceAccountKey: "gcp:serviceaccount/key:Key",
  serviceAccountIamMember: "gcp:serviceaccount/iAMMember:IAMMember",
  serviceAccountIamBinding: "gcp:serviceaccount/iAMBinding:IAMBinding",
  serviceAccountIamPolicy: "gcp:serviceaccount/iAMPolicy:IAMPolicy",
  wifProvider: "gcp:iam/workloadIdentityPoolProvider:WorkloadIdentityPoolProvider",
  // KMS
  cryptoKey: "gcp:kms/cryptoKey:CryptoKey",
  keyRing: "gcp:kms/keyRing:KeyRing",
  cryptoKeyIamMember: "gcp:kms/cryptoKeyIAMMember:CryptoKeyIAMMember",
  cryptoKeyIamBinding: "gcp:kms/cryptoKeyIAMBinding:CryptoKeyIAMBinding",
  cryptoKeyIamPolicy: "gcp:kms/cryptoKeyIAMPolicy:CryptoKeyIAMPolicy",
  keyRingIamMember: "gcp:kms/keyRingIAMMember:KeyRingIAMMember",
  keyRingIamBinding: "gcp:kms/keyRingIAMBinding:KeyRingIAMBinding",
  keyRingIamPolicy: "gcp:kms/keyRingIAMPolicy:KeyRingIAMPolicy",
  // Monitoring and logging
  alertPolicy: "gcp:monitoring/alertPolicy:AlertPolicy",
  notificationChannel: "gcp:monitoring/notificationChannel:NotificationChannel",
  uptimeCheck: "gcp:monitoring/uptimeCheckConfig:UptimeCheckConfig",
  slo: "gcp:monitoring/slo:Slo",
  genericService: "gcp:monitoring/genericService:GenericService",
  customService: "gcp:monitoring/customService:CustomService",
  logBucket: "gcp:logging/projectBucketConfig:ProjectBucketConfig",
  logSink: "gcp:logging/projectSink:ProjectSink",
  folderLogSink: "gcp:logging/folderSink:FolderSink",
  orgLogSink: "gcp:logging/organizationSink:OrganizationSink",
  billingLogSink: "gcp:logging/billingAccountSink:BillingAccountSink",
  // Artifact Registry and SQL
  repository: "gcp:artifactregistry/repository:Repository",
  repositoryIamMember: "gcp:artifactregistry/repositoryIamMember:RepositoryIamMember",
  repositoryIamBinding: "gcp:artifactregistry/repositoryIamBinding:RepositoryIamBinding",
  repositoryIamPolicy: "gcp:artifactregistry/repositoryIamPolicy:RepositoryIamPolicy",
  sqlInstance: "gcp:sql/databaseInstance:DatabaseInstance",
  // GKE
  gkeCluster: "gcp:container/cluster:Cluster",
  gkeNodePool: "gcp:container/nodePool:NodePool",
} as const;

/**
 * Kubernetes type tokens (`@pulumi/kubernetes`; a test resolves each one against that SDK's classes). The
 * provider's token is `pulumi:providers:` + the package name, as for `pulumi:providers:gcp`.
 */
export const K = {
  provider: "pulumi:providers:kubernetes",
  namespace: "kubernetes:core/v1:Namespace",
  networkPolicy: "kubernetes:networking.k8s.io/v1:NetworkPolicy",
  helmRelease: "kubernetes:helm.sh/v3:Release",
} as const;

export type TypeToken = (typeof T)[keyof typeof T] | (typeof K)[keyof typeof K];

/** In a policy's type list: every Google Cloud resource (`gcp:*`) and the gcp provider itself. */
export const ANY_GCP = "gcp:*";

/** True when `type` is one of `types` (which may contain {@link ANY_GCP}). */
export function matchesType(types: readonly string[], type: string): boolean {
  return (
    types.includes(type) ||
    (types.includes(ANY_GCP) && (type.startsWith("gcp:") || type === "pulumi:providers:gcp"))
  );
}
