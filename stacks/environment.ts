/**
 * One environment (DESIGN §2): identities, secrets, Firestore and the Cloud Run services, shaped by the
 * environment kind's preset.
 */
import * as pulumi from "@pulumi/pulumi";
import { CloudRunService } from "../components/cloud-run-service";
import { FirestoreDatabase } from "../components/firestore-database";
import { SecretSet } from "../components/secret-set";
import { ServiceIdentity } from "../components/service-identity";
import type { CommonArgs } from "../components/shared/types";
import type { ServiceConfig, StackConfig } from "./config";

/** Arguments of {@link Environment}. */
export interface EnvironmentArgs {
  readonly config: StackConfig;
  readonly common: CommonArgs;
  /** Secret values by secret name (Pulumi secret outputs). Only used where the kind owns secrets. */
  readonly secretValues: Readonly<Record<string, pulumi.Output<string>>>;
  /** Secret resource names owned by another stack (feature environments: staging's). */
  readonly existingSecretIds?: pulumi.Output<Record<string, string>>;
  /** IAP service agent email (feature environments). */
  readonly iapServiceAgentEmail?: pulumi.Input<string>;
}

/** Everything one environment runs. */
export class Environment extends pulumi.ComponentResource {
  readonly serviceUrls: Readonly<Record<string, pulumi.Output<string>>>;
  readonly serviceAccounts: Readonly<Record<string, pulumi.Output<string>>>;
  readonly firestoreDatabase: pulumi.Output<string> | undefined;
  readonly secretIds: pulumi.Output<Record<string, string>>;

  constructor(name: string, args: EnvironmentArgs, opts?: pulumi.ComponentResourceOptions) {
    super("module6:stack:Environment", name, {}, opts);
    const { config, common } = args;
    const preset = config.preset;

    const secrets = new SecretSet(
      "secrets",
      {
        ...common,
        secrets: config.secrets,
        allowedRegions: config.allowedRegions,
        values: preset.ownsSecrets ? args.secretValues : undefined,
        existingIds: preset.ownsSecrets ? undefined : (args.existingSecretIds ?? pulumi.output({})),
        deletionProtection: config.protection.deletionProtection,
      },
      { parent: this },
    );

    const firestore = config.firestore
      ? new FirestoreDatabase("firestore", { ...common, name: "main", ...config.firestore }, { parent: this })
      : undefined;

    const urls: Record<string, pulumi.Output<string>> = {};
    const accounts: Record<string, pulumi.Output<string>> = {};
    for (const service of config.services) {
      const identity = new ServiceIdentity(
        `${service.name}-identity`,
        { ...common, name: service.name },
        { parent: this },
      );
      const grants: pulumi.Resource[] = [];
      for (const secretName of new Set(Object.values(service.secretEnv))) {
        grants.push(secrets.grantAccess(secretName, identity.member, service.name));
      }
      if (firestore && service.uses.includes("firestore"))
        grants.push(firestore.grantReadWrite(identity.member, service.name));

      const run = new CloudRunService(
        service.name,
        {
          ...common,
          ...serviceArgs(service, config, firestore),
          serviceAccountEmail: identity.email,
          secretEnv: Object.fromEntries(
            Object.entries(service.secretEnv).map(([envName, secretName]) => [
              envName,
              { secret: secrets.secretId(secretName) },
            ]),
          ),
          iap:
            preset.iap && args.iapServiceAgentEmail !== undefined
              ? { members: config.reviewers, serviceAgentEmail: args.iapServiceAgentEmail }
              : undefined,
          vpcEgress: service.vpcEgress && config.vpc ? config.vpc : undefined,
        },
        // The revision starts only once its identity can read its secrets and database.
        { parent: this, dependsOn: grants },
      );
      urls[service.name] = run.uri;
      accounts[service.name] = identity.email;
    }

    this.serviceUrls = urls;
    this.serviceAccounts = accounts;
    this.firestoreDatabase = firestore?.databaseName;
    this.secretIds = secrets.secretIds;
    this.registerOutputs({
      serviceUrls: urls,
      serviceAccounts: accounts,
      firestoreDatabase: this.firestoreDatabase,
    });
  }
}

/** The Cloud Run settings of one service in this environment. */
function serviceArgs(service: ServiceConfig, config: StackConfig, firestore: FirestoreDatabase | undefined) {
  const env: Record<string, pulumi.Input<string>> = {
    ...service.env,
    GOOGLE_CLOUD_PROJECT: config.gcpProject,
    APP_ENV: config.kind,
  };
  if (firestore && service.uses.includes("firestore")) env.FIRESTORE_DATABASE = firestore.databaseName;
  return {
    name: service.name,
    image: service.image,
    cpu: service.cpu,
    memory: service.memory,
    concurrency: service.concurrency,
    minInstances: service.minInstances,
    maxInstances: service.maxInstances,
    cpuIdle: service.cpuIdle,
    startupCpuBoost: service.startupCpuBoost,
    port: service.port,
    timeoutSeconds: service.timeoutSeconds,
    healthPath: service.healthPath,
    env,
    ingress: config.preset.ingress,
    defaultUrlDisabled: config.preset.defaultUrlDisabled,
    deletionProtection: config.protection.deletionProtection,
  };
}
