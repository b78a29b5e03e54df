/**
 * The DR drill's program: one restore of the configured backup into the configured scratch database.
 * `npm run ops -- dr drill` sets the config, runs `up`, verifies, and destroys the stack.
 */
import * as pulumi from "@pulumi/pulumi";
import { FirestoreRestore } from "./restore";

const config = new pulumi.Config("module6-dr");
const restore = new FirestoreRestore("restore", {
  project: config.require("project"),
  backup: config.require("backup"),
  database: config.require("database"),
});

export const database = restore.name;
export const restoredAt = restore.restoredAt;
