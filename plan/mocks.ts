/**
 * Pulumi mocks that record every registered resource with the options the engine would see
 * (`protect`, `parent`, dependencies, …). `newResource` receives no options, so the recorder wraps the
 * mock monitor's `registerResource`/`readResource` and reads the registration request itself.
 *
 * Everything here is public SDK API (`runtime.setMocks`, `runtime.getMonitor`, the generated gRPC messages
 * of `@pulumi/pulumi/proto/resource_pb`) except `runtime.waitForRPCs`, which `settle` reaches by name;
 * tests/sdk-internals.test.ts pins that and the wrap for the SDK version they were checked against.
 */
import * as pulumi from "@pulumi/pulumi";
import type {
  ReadResourceRequest,
  ReadResourceResponse,
  RegisterResourceRequest,
  RegisterResourceResponse,
} from "@pulumi/pulumi/proto/resource_pb";
import { collapseAlias, type AliasRequest } from "./diff/aliases";
import { fakeCall, fakeState } from "./fake-outputs";
import { plainValue, type RecordedResource } from "./record";

type Callback<T> = (error: unknown, response: T | undefined) => void;

/**
 * The two monitor calls the recorder wraps, as `runtime.getMonitor()` types them
 * (`IResourceMonitorClient`): under mocks the monitor is the SDK's `MockMonitor`, which answers each
 * call through the callback.
 */
interface RecordedCalls {
  registerResource(request: RegisterResourceRequest, callback: Callback<RegisterResourceResponse>): unknown;
  readResource(request: ReadResourceRequest, callback: Callback<ReadResourceResponse>): unknown;
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
  private target = { project: "", stack: "" };

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
    this.target = { project, stack };
    await pulumi.runtime.setMocks(this.mocks, project, stack, preview);
    const monitor: RecordedCalls | undefined = pulumi.runtime.getMonitor();
    if (monitor === undefined) throw new Error("offline plan: setMocks installed no monitor");
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

  private recordRegistration(req: RegisterResourceRequest, res: RegisterResourceResponse): void {
    const propertyDependencies: Record<string, string[]> = {};
    req.getPropertydependenciesMap().forEach((deps, key) => {
      propertyDependencies[key] = deps.getUrnsList();
    });
    const urn = res.getUrn();
    const id = res.getId();
    const aliases = this.aliases(req, urn);
    this.list.push({
      urn,
      type: req.getType(),
      name: req.getName(),
      custom: req.getCustom(),
      ...(id ? { id } : {}),
      ...(req.getParent() ? { parent: req.getParent() } : {}),
      ...(req.getProvider() ? { provider: req.getProvider() } : {}),
      inputs: plainValue(req.getObject()?.toJavaScript() ?? {}) as Record<string, unknown>,
      outputs: plainValue(res.getObject()?.toJavaScript() ?? {}) as Record<string, unknown>,
      dependencies: req.getDependenciesList(),
      propertyDependencies,
      protect: req.getProtect() ?? false,
      retainOnDelete: req.getRetainondelete() ?? false,
      ignoreChanges: req.getIgnorechangesList(),
      ...(req.getDeletedwith() ? { deletedWith: req.getDeletedwith() } : {}),
      additionalSecretOutputs: req.getAdditionalsecretoutputsList(),
      ...(aliases.length ? { aliases } : {}),
      external: false,
    });
  }

  /**
   * The URNs the resource may have had, as the engine collapses its aliases (plan/diff/aliases.ts). Under
   * mocks the SDK sends structured aliases (`RegisterResourceRequest.aliases`); `aliasUrns` is the older
   * form it uses with monitors that do not support them.
   */
  private aliases(req: RegisterResourceRequest, urn: string): string[] {
    const self = { name: req.getName(), type: req.getType(), parent: req.getParent(), ...this.target };
    const requests: AliasRequest[] = req.getAliasesList().map((alias) => {
      const spec = alias.getSpec();
      if (alias.hasUrn() || spec === undefined) return { urn: alias.getUrn() };
      return {
        name: spec.getName(),
        type: spec.getType(),
        stack: spec.getStack(),
        project: spec.getProject(),
        noParent: spec.getNoparent(),
        ...(spec.hasParenturn() ? { parentUrn: spec.getParenturn() } : {}),
      };
    });
    const urns = [...requests.map((a) => collapseAlias(self, a)), ...req.getAliasurnsList()];
    return [...new Set(urns)].filter((u) => u !== "" && u !== urn);
  }

  private recordRead(req: ReadResourceRequest, res: ReadResourceResponse): void {
    const outputs = plainValue(res.getProperties()?.toJavaScript() ?? {}) as Record<string, unknown>;
    this.list.push({
      urn: res.getUrn(),
      type: req.getType(),
      name: req.getName(),
      custom: true,
      id: req.getId(),
      ...(req.getParent() ? { parent: req.getParent() } : {}),
      ...(req.getProvider() ? { provider: req.getProvider() } : {}),
      inputs: plainValue(req.getProperties()?.toJavaScript() ?? {}) as Record<string, unknown>,
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

/** Waits until every outstanding resource registration and output resolution has finished. */
export async function settle(): Promise<void> {
  // `runtime.waitForRPCs` drains the SDK's RPC queue. `@pulumi/pulumi` exports it (runtime/settings.js) but
  // marks it `@internal` (absent from its .d.ts); the public `runtime.disconnect()` waits the same way but
  // then closes the monitor, which tests that build several stacks in one process still use.
  const waitForRPCs: unknown = Reflect.get(pulumi.runtime, "waitForRPCs");
  if (typeof waitForRPCs !== "function")
    throw new Error("@pulumi/pulumi no longer exports runtime.waitForRPCs (relied on as of 3.248.0)");
  for (let i = 0; i < 3; i++) {
    await Reflect.apply(waitForRPCs, undefined, []);
    await new Promise((resolve) => setImmediate(resolve));
  }
}
