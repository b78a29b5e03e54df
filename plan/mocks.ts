/**
 * Pulumi mocks that record every registered resource with the options the engine would see
 * (`protect`, `parent`, dependencies, …). `newResource` receives no options, so the recorder wraps the
 * mock monitor's `registerResource`/`readResource` and reads the registration request itself.
 */
import { createRequire } from "node:module";
import * as pulumi from "@pulumi/pulumi";
import { fakeCall, fakeState } from "./fake-outputs";
import { plainValue, SECRET_PLACEHOLDER, type RecordedResource } from "./record";

/** The slice of the gRPC registration request the recorder reads (`proto/resource_pb`). */
interface RegisterRequest {
  getType(): string;
  getName(): string;
  getParent(): string;
  getCustom(): boolean;
  getProvider(): string;
  getObject(): { toJavaScript(): Record<string, unknown> };
  getDependenciesList(): string[];
  getPropertydependenciesMap(): {
    forEach(cb: (value: { getUrnsList(): string[] }, key: string) => void): void;
  };
  getProtect(): boolean | undefined;
  getRetainondelete(): boolean | undefined;
  getIgnorechangesList(): string[];
  getDeletedwith(): string;
  getAdditionalsecretoutputsList(): string[];
}

interface ReadRequest {
  getType(): string;
  getName(): string;
  getParent(): string;
  getProvider(): string;
  getId(): string;
  getProperties(): { toJavaScript(): Record<string, unknown> };
  getDependenciesList(): string[];
}

interface Response {
  getUrn(): string;
  getId?(): string;
  getObject?(): { toJavaScript(): Record<string, unknown> } | undefined;
  getProperties?(): { toJavaScript(): Record<string, unknown> } | undefined;
}

type Callback = (err: unknown, response: Response | undefined) => void;

interface MonitorLike {
  registerResource(req: RegisterRequest, callback: Callback): Promise<void>;
  readResource(req: ReadRequest, callback: Callback): Promise<void>;
}

/** Options of {@link PlanRecorder}. */
export interface RecorderOptions {
  /** Outputs answered to `StackReference`s, by fully qualified stack name. */
  readonly stackOutputs?: Readonly<Record<string, Record<string, unknown>>>;
  /** Answers to provider function calls (`gcp.organizations.getProject`, …) by token. */
  readonly calls?: Readonly<Record<string, Record<string, unknown>>>;
}

/** Installs recording mocks and collects every resource the program registers. */
export class PlanRecorder {
  private readonly list: RecordedResource[] = [];

  constructor(private readonly options: RecorderOptions = {}) {}

  /** The resources recorded so far, in registration order. */
  get resources(): readonly RecordedResource[] {
    return this.list;
  }

  /** Forgets the resources recorded so far (tests that build several stacks in one process). */
  reset(): void {
    this.list.length = 0;
  }

  readonly mocks: pulumi.runtime.Mocks = {
    newResource: (args: pulumi.runtime.MockResourceArgs): pulumi.runtime.MockResourceResult => {
      if (args.type === "pulumi:pulumi:StackReference") {
        const requested = (args.inputs as Record<string, unknown>).name;
        const stackName = typeof requested === "string" ? requested : args.name;
        const outputs = this.options.stackOutputs?.[stackName];
        if (outputs === undefined) {
          throw new Error(`offline plan: no outputs are known for the referenced stack "${stackName}"`);
        }
        return { id: stackName, state: { name: stackName, outputs, secretOutputNames: [] } };
      }
      return fakeState(args.type, args.name, args.inputs as Record<string, unknown>);
    },
    call: (args: pulumi.runtime.MockCallArgs): pulumi.runtime.MockCallResult => {
      const answer =
        this.options.calls?.[args.token] ?? fakeCall(args.token, args.inputs as Record<string, unknown>);
      if (answer === undefined) throw new Error(`offline plan: no mocked answer for the call ${args.token}`);
      return answer;
    },
  };

  /** Sets the mocks and wraps the monitor. Call after the config is set and before the program runs. */
  async install(project: string, stack: string, preview = false): Promise<void> {
    await pulumi.runtime.setMocks(this.mocks, project, stack, preview);
    const monitor = pulumi.runtime.getMonitor() as unknown as MonitorLike;
    const register = monitor.registerResource.bind(monitor);
    const read = monitor.readResource.bind(monitor);
    monitor.registerResource = (req, callback) =>
      register(req, (err, res) => {
        if (!err && res) this.recordRegistration(req, res);
        callback(err, res);
      });
    monitor.readResource = (req, callback) =>
      read(req, (err, res) => {
        if (!err && res) this.recordRead(req, res);
        callback(err, res);
      });
  }

  private recordRegistration(req: RegisterRequest, res: Response): void {
    const propertyDependencies: Record<string, string[]> = {};
    req.getPropertydependenciesMap().forEach((deps, key) => {
      propertyDependencies[key] = deps.getUrnsList();
    });
    const urn = res.getUrn();
    const id = res.getId?.();
    const additionalSecretOutputs = req.getAdditionalsecretoutputsList();
    this.list.push({
      urn,
      type: req.getType(),
      name: req.getName(),
      custom: req.getCustom(),
      ...(id ? { id } : {}),
      ...(req.getParent() ? { parent: req.getParent() } : {}),
      ...(req.getProvider() ? { provider: req.getProvider() } : {}),
      inputs: plainValue(req.getObject().toJavaScript()) as Record<string, unknown>,
      outputs: maskSecretOutputs(
        plainValue(res.getObject?.()?.toJavaScript() ?? {}) as Record<string, unknown>,
        additionalSecretOutputs,
      ),
      dependencies: req.getDependenciesList(),
      propertyDependencies,
      protect: req.getProtect() ?? false,
      retainOnDelete: req.getRetainondelete() ?? false,
      ignoreChanges: req.getIgnorechangesList(),
      ...(req.getDeletedwith() ? { deletedWith: req.getDeletedwith() } : {}),
      additionalSecretOutputs,
      external: false,
    });
  }

  private recordRead(req: ReadRequest, res: Response): void {
    const outputs = plainValue(res.getProperties?.()?.toJavaScript() ?? {}) as Record<string, unknown>;
    this.list.push({
      urn: res.getUrn(),
      type: req.getType(),
      name: req.getName(),
      custom: true,
      id: req.getId(),
      ...(req.getParent() ? { parent: req.getParent() } : {}),
      ...(req.getProvider() ? { provider: req.getProvider() } : {}),
      inputs: plainValue(req.getProperties().toJavaScript()) as Record<string, unknown>,
      outputs,
      dependencies: req.getDependenciesList(),
      propertyDependencies: {},
      protect: false,
      retainOnDelete: false,
      ignoreChanges: [],
      additionalSecretOutputs: [],
      external: true,
    });
  }
}

/**
 * `outputs` with the properties a resource declares secret (`additionalSecretOutputs`) shown as `[secret]`,
 * as the engine stores and exports them (https://www.pulumi.com/docs/iac/concepts/options/additionalsecretoutputs/):
 * a mock that answers such a property in plain text never puts it into a plan.
 */
export function maskSecretOutputs(
  outputs: Record<string, unknown>,
  secret: readonly string[],
): Record<string, unknown> {
  const masked = { ...outputs };
  for (const key of secret) if (key in masked) masked[key] = SECRET_PLACEHOLDER;
  return masked;
}

/** Waits until every outstanding resource registration and output resolution has finished. */
export async function settle(): Promise<void> {
  // `waitForRPCs` is internal to the SDK but exported from its settings module; it drains the RPC queue.
  const settings = createRequire(__filename)("@pulumi/pulumi/runtime/settings") as {
    waitForRPCs?: () => Promise<void>;
  };
  for (let i = 0; i < 3; i++) {
    await settings.waitForRPCs?.();
    await new Promise((resolve) => setImmediate(resolve));
  }
}
