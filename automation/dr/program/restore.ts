/**
 * `FirestoreRestore`: a dynamic resource whose create restores a Firestore backup into a scratch database and
 * whose delete removes it. The Pulumi GCP provider has no restore resource; the admin API does the work.
 */
import * as pulumi from "@pulumi/pulumi";
import {
  createRestore,
  deleteRestore,
  diffRestore,
  type FirestoreAdmin,
  type RestoreInputs,
  type RestoreOutputs,
} from "./restore-logic";

/** The admin API through `@google-cloud/firestore`, loaded inside the provider (it runs in its own process). */
async function realAdmin(): Promise<FirestoreAdmin> {
  const { v1 } = await import("@google-cloud/firestore");
  const client = new v1.FirestoreAdminClient();
  return {
    async restoreDatabase(request) {
      const [operation] = await client.restoreDatabase(request);
      const [database] = await operation.promise();
      return { name: database.name ?? "" };
    },
    async deleteDatabase(name) {
      const [operation] = await client.deleteDatabase({ name });
      await operation.promise();
    },
  };
}

const provider: pulumi.dynamic.ResourceProvider<RestoreInputs, RestoreOutputs> = {
  async create(inputs) {
    return createRestore(await realAdmin(), inputs);
  },
  async delete(id) {
    await deleteRestore(await realAdmin(), id);
  },
  async diff(_id, olds, news) {
    return Promise.resolve(diffRestore(olds, news));
  },
};

/** Inputs of {@link FirestoreRestore}. */
export interface FirestoreRestoreArgs {
  readonly project: pulumi.Input<string>;
  readonly backup: pulumi.Input<string>;
  readonly database: pulumi.Input<string>;
}

export class FirestoreRestore extends pulumi.dynamic.Resource {
  declare readonly name: pulumi.Output<string>;
  declare readonly restoredAt: pulumi.Output<string>;

  constructor(name: string, args: FirestoreRestoreArgs, opts?: pulumi.CustomResourceOptions) {
    super(
      provider,
      name,
      { ...args, name: undefined, restoredAt: undefined },
      opts,
      "module6-dr",
      "FirestoreRestore",
    );
  }
}
