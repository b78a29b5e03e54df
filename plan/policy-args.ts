/**
 * Faithful `ResourceValidationArgs` and `StackValidationArgs` from a stack-export document, built the way
 * `@pulumi/policy`'s analyzer server builds them: resource policies see a resource's inputs, stack
 * policies see every resource's outputs (over its inputs, with its id) linked to parent, dependencies and
 * property dependencies. At preview, reading an unknown value throws `UnknownValueError` as the real
 * proxy does; `notApplicable()` throws `NotApplicableError`.
 */
import type {
  PolicyProviderResource,
  PolicyResource,
  PolicyResourceOptions,
  ResourceValidationArgs,
  StackValidationArgs,
} from "@pulumi/policy";
import { UNKNOWN_PLACEHOLDER } from "./record";
import type { ExportResource } from "./render-json";

/** Thrown when a policy reads a value that is unknown during preview (same name as the SDK's). */
export class UnknownValueError extends Error {
  constructor(readonly path: string) {
    super(`value at .${path} can't be known during preview`);
  }
}

/** Thrown by `notApplicable()`. */
export class NotApplicableError extends Error {
  constructor(readonly reason?: string) {
    super(reason ?? "Policy does not apply");
  }
}

/** Wraps `value` so that reading an unknown (`[unknown]`) value throws, like `unknownCheckingProxy`. */
export function unknownChecking<T>(value: T, path: readonly string[] = []): T {
  if (value === null || typeof value !== "object") return value;
  return new Proxy<T & object>(value, {
    get(target, prop, receiver) {
      const field: unknown = Reflect.get(target, prop, receiver);
      if (typeof prop === "symbol") return field;
      const at = [...path, prop];
      if (field === UNKNOWN_PLACEHOLDER) throw new UnknownValueError(at.join("."));
      const desc = Object.getOwnPropertyDescriptor(target, prop);
      if (desc && "value" in desc && desc.configurable === false && desc.writable === false) return field;
      return unknownChecking(field, at);
    },
  });
}

/** What building the args needs to know about the whole document. */
export interface ArgsContext {
  readonly byUrn: ReadonlyMap<string, ExportResource>;
  readonly stackTags: ReadonlyMap<string, string>;
  readonly preview: boolean;
}

/** The logical name of a URN (`urn:pulumi:stack::project::type::name`). */
export const urnName = (urn: string): string => urn.split("::").slice(3).join("::");

interface ResourceClassLike {
  readonly __pulumiType?: unknown;
  readonly isInstance?: (obj: unknown) => boolean;
}

/** `isType` as the SDK implements it: the class's `__pulumiType`, else its `isInstance`. */
function isTypeOf(type: string, resourceClass: unknown): boolean {
  const cls = resourceClass as ResourceClassLike;
  if (typeof cls.__pulumiType === "string") return cls.__pulumiType === type;
  return typeof cls.isInstance === "function" && cls.isInstance({ __pulumiType: type }) === true;
}

function options(r: ExportResource): PolicyResourceOptions {
  return {
    protect: r.protect === true,
    ignoreChanges: [...(r.ignoreChanges ?? [])],
    aliases: [],
    customTimeouts: { createSeconds: 0, updateSeconds: 0, deleteSeconds: 0 },
    additionalSecretOutputs: [...(r.additionalSecretOutputs ?? [])],
    ...(r.parent !== undefined ? { parent: r.parent } : {}),
  };
}

const wrap = <T>(value: T, ctx: ArgsContext): T => (ctx.preview ? unknownChecking(value) : value);

/** The provider of a resource (`urn::id` reference) as `PolicyProviderResource`, when in the document. */
function providerOf(r: ExportResource, ctx: ArgsContext): PolicyProviderResource | undefined {
  if (r.provider === undefined) return undefined;
  const urn = r.provider.slice(0, r.provider.lastIndexOf("::"));
  const provider = ctx.byUrn.get(urn);
  if (provider === undefined) return undefined;
  return { type: provider.type, props: wrap(provider.inputs, ctx), urn, name: urnName(urn) };
}

const notApplicable = (reason?: string): never => {
  throw new NotApplicableError(reason);
};

/** The args a resource policy receives for `r`. */
export function resourceArgs(
  r: ExportResource,
  ctx: ArgsContext,
  config: Record<string, unknown>,
): ResourceValidationArgs {
  const props = wrap(r.inputs, ctx);
  const provider = providerOf(r, ctx);
  return {
    type: r.type,
    props,
    urn: r.urn,
    name: urnName(r.urn),
    opts: options(r),
    ...(provider ? { provider } : {}),
    stackTags: ctx.stackTags,
    isType: (resourceClass) => isTypeOf(r.type, resourceClass),
    asType: (resourceClass) => (isTypeOf(r.type, resourceClass) ? (props as never) : undefined),
    getConfig: <T extends object>() => ({ ...config }) as T,
    notApplicable,
  };
}

/** Stack policies' view of the resources: outputs over inputs (with the id), linked to each other. */
export function stackResources(resources: readonly ExportResource[], ctx: ArgsContext): PolicyResource[] {
  const built = new Map<string, PolicyResource>();
  for (const r of resources) {
    const merged = { ...r.inputs, ...r.outputs };
    if (r.id !== undefined && merged.id === undefined) merged.id = r.id;
    const props = wrap(merged, ctx);
    const provider = providerOf(r, ctx);
    built.set(r.urn, {
      type: r.type,
      props,
      urn: r.urn,
      name: urnName(r.urn),
      opts: options(r),
      ...(provider ? { provider } : {}),
      dependencies: [],
      propertyDependencies: {},
      isType: (resourceClass) => isTypeOf(r.type, resourceClass),
      asType: (resourceClass) => (isTypeOf(r.type, resourceClass) ? (props as never) : undefined),
    });
  }
  const resolve = (urns: readonly string[] | undefined): PolicyResource[] =>
    (urns ?? []).map((u) => built.get(u)).filter((d): d is PolicyResource => d !== undefined);
  for (const r of resources) {
    const resource = built.get(r.urn);
    if (!resource) continue;
    const parent = r.parent !== undefined ? built.get(r.parent) : undefined;
    if (parent) resource.parent = parent;
    resource.dependencies = resolve(r.dependencies);
    for (const [key, urns] of Object.entries(r.propertyDependencies ?? {})) {
      resource.propertyDependencies[key] = resolve(urns);
    }
  }
  return [...built.values()];
}

/** The args a stack policy receives. */
export function stackArgs(
  resources: PolicyResource[],
  ctx: ArgsContext,
  config: Record<string, unknown>,
): StackValidationArgs {
  return {
    resources,
    stackTags: ctx.stackTags,
    getConfig: <T extends object>() => ({ ...config }) as T,
    notApplicable,
  };
}
