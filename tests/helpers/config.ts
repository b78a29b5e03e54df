/** A valid stack config as `splitConfigMap` hands it over, and helpers to parse it in tests. */
import { ValidationError } from "../../components/shared/validation";
import { parseStackConfig, type ConfigInput, type StackConfig } from "../../stacks/config";

/** A stack's `module6:*` values as `splitConfigMap` hands them over (objects already parsed). */
export interface Values {
  [key: string]: unknown;
  kind: string;
  domain?: string;
  labels: Record<string, string>;
  owners: string[];
  services: Record<string, Record<string, unknown>>;
  secrets: Record<string, Record<string, unknown>>;
  firestore?: Record<string, unknown>;
  monitoring?: Record<string, unknown>;
}

export const IMAGE = (name: string, tag = "1.0.0"): string =>
  `asia-northeast3-docker.pkg.dev/p/r/${name}:${tag}`;

/** A valid staging config: two services, one secret, Firestore. */
export function base(): Values {
  return {
    kind: "staging",
    gcpProject: "module6-staging-000000",
    region: "asia-northeast3",
    domain: "staging.module6.example.com",
    labels: { team: "platform", "cost-center": "cc-4200" },
    owners: ["group:x@example.com"],
    services: {
      web: { image: IMAGE("web"), routes: ["/app", "/app/*"], env: { API_BASE_PATH: "/api" } },
      api: {
        image: IMAGE("api"),
        memory: "1Gi",
        maxInstances: 6,
        routes: ["/api/*"],
        uses: ["firestore"],
        secretEnv: { SESSION_SIGNING_KEY: "session-key" },
      },
    },
    secrets: { "session-key": { description: "Signs session cookies" } },
    monitoring: {
      channels: { "platform-email": { type: "email", address: "platform@example.com" } },
      routing: { page: ["platform-email"], ticket: ["platform-email"] },
    },
    firestore: {
      location: "asia-northeast3",
      backups: { dailyRetentionDays: 7, weeklyRetentionWeeks: 4 },
      indexes: [
        {
          collection: "documents",
          fields: [
            { path: "ownerId", order: "asc" },
            { path: "updatedAt", order: "desc" },
          ],
        },
      ],
    },
  };
}

export function service(values: Values, name: string): Record<string, unknown> {
  const s = values.services[name];
  if (s === undefined) throw new Error(`no service ${name} in the fixture`);
  return s;
}

export function input(
  values: Values,
  stack = "staging",
  secretValueNames: string[] = ["session-key"],
  channelSecretNames: string[] = [],
): ConfigInput {
  return { stack, values, secretValueNames, channelSecretNames };
}

export function parse(
  values: Values,
  stack?: string,
  secretValueNames?: string[],
  channelSecretNames?: string[],
): StackConfig {
  return parseStackConfig(input(values, stack, secretValueNames, channelSecretNames));
}

/** The `ValidationError` that parsing `config` throws (fails the test when it does not throw one). */
export function configError(config: ConfigInput): ValidationError {
  try {
    parseStackConfig(config);
  } catch (error) {
    if (error instanceof ValidationError) return error;
    throw error;
  }
  throw new Error("expected parseStackConfig to throw a ValidationError");
}

export function svc(config: StackConfig, name: string): StackConfig["services"][number] {
  const s = config.services.find((x) => x.name === name);
  if (s === undefined) throw new Error(`no service ${name} in the parsed config`);
  return s;
}
