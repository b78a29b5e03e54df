import * as gcp from "@pulumi/gcp";
import * as pulumi from "@pulumi/pulumi";
import { Component } from "./shared/component";
import { componentLabels, type CommonArgs } from "./shared/types";
import { Problems } from "./shared/validation";
import { hoursInSeconds } from "./shared/durations";

/**
 * Why a scheduled check and not a log filter: no log entry marks a created backup. Firestore creates
 * backups only from schedules — the Admin API has no CreateBackup method (google/firestore/admin/v1
 * firestore_admin.proto: Get/List/DeleteBackup, RestoreDatabase, *BackupSchedule) — and every audited
 * method whose name contains "Backup" is an admin read or a schedule change
 * (https://cloud.google.com/firestore/docs/audit-logging), which is what `methodName=~"Backup"` counted.
 * So a small Cloud Run job lists the database's backups every hour and logs `firestore-backup-fresh` when
 * the newest one is recent enough; the alert (PlatformMonitoring) fires when that entry stops arriving.
 */

/**
 * The name the check gives its service account and Cloud Run job (`<prefix>-<env>-backup-check`): no
 * service may take it, or its runtime service account would have the same id (stacks/config-services.ts).
 */
export const BACKUP_CHECK_NAME = "backup-check";

/** The `jsonPayload.message` the check logs when the newest backup is recent enough. */
export const BACKUP_FRESH_MESSAGE = "firestore-backup-fresh";

/** Arguments of {@link FirestoreBackupCheck}. */
export interface FirestoreBackupCheckArgs extends CommonArgs {
  /** The database id whose backups are checked. */
  readonly database: pulumi.Input<string>;
  /** The database's location: backups reside there (https://cloud.google.com/firestore/docs/backups). */
  readonly location: string;
  /**
   * Hours the newest backup may be old (a daily schedule plus slack).
   * @default 26
   */
  readonly maxAgeHours?: number;
  /**
   * When the check runs (cron, in UTC).
   * @default - `"17 * * * *"`: hourly, at 17 minutes past
   */
  readonly schedule?: string;
  /**
   * The Google Cloud CLI image that runs the check. The `slim` variant carries gcloud with its core
   * commands (`gcloud firestore backups list`), bash and GNU date
   * (https://cloud.google.com/sdk/docs/downloads-docker).
   * @default "gcr.io/google.com/cloudsdktool/google-cloud-cli:slim"
   */
  readonly image?: string;
  /**
   * Provider-side deletion protection of the job (Cloud Run treats unset as true).
   * @default true
   */
  readonly deletionProtection?: boolean;
}

export const DEFAULT_CHECK_IMAGE = "gcr.io/google.com/cloudsdktool/google-cloud-cli:slim";

/** Checks {@link FirestoreBackupCheckArgs}; throws one `ValidationError` naming every problem. */
export function validateFirestoreBackupCheckArgs(args: FirestoreBackupCheckArgs): void {
  const p = new Problems("FirestoreBackupCheck");
  const hours = args.maxAgeHours ?? 26;
  p.check(
    Number.isInteger(hours) && hours >= 2 && hours <= 24 * 98,
    "maxAgeHours",
    hours,
    "whole hours 2-2352",
  );
  const schedule = args.schedule ?? "17 * * * *";
  p.check(schedule.trim().split(/\s+/).length === 5, "schedule", schedule, "a five-field cron expression");
  p.throwIfAny();
}

/**
 * The check, in bash: list the backups of the location (`gcloud firestore backups list`, documented
 * flags `--location` and `--format`, https://cloud.google.com/sdk/gcloud/reference/firestore/backups/list),
 * keep the database's (a backup's `database` is `projects/{project}/databases/{database}`), take the
 * newest `snapshotTime` (RFC 3339, Z-normalised: it sorts as text) and compare its age; without any
 * backup, the oldest backup schedule's `createTime` (`gcloud firestore backups schedules list
 * --database`) tells whether the first one is due yet. One JSON line on
 * stdout is a structured log entry whose `message` lands in `jsonPayload.message`
 * (https://cloud.google.com/run/docs/logging#writing_structured_logs).
 */
export const CHECK_SCRIPT = [
  "set -euo pipefail",
  'newest="$(gcloud firestore backups list --project="$PROJECT" --location="$LOCATION" --format="value(database,snapshotTime)" | awk -v suffix="/databases/$DATABASE" \'substr($1, length($1) - length(suffix) + 1) == suffix { print $2 }\' | sort | tail -n 1)"',
  'now="$(date +%s)"',
  // No backup yet: fine while the oldest schedule is younger than the allowed age (a new database's
  // first daily backup is not due yet); otherwise the backups are missing.
  'if [ -z "$newest" ]; then',
  '  since="$(gcloud firestore backups schedules list --project="$PROJECT" --database="$DATABASE" --format="value(createTime)" | sort | head -n 1)"',
  '  if [ -n "$since" ]; then since_s="$(date -d "$since" +%s)"; else since_s=0; fi',
  `  if [ $(( now - since_s )) -le "$MAX_AGE_SECONDS" ]; then echo "{\\"severity\\":\\"INFO\\",\\"message\\":\\"${BACKUP_FRESH_MESSAGE}\\",\\"database\\":\\"$DATABASE\\",\\"newest\\":\\"none yet\\",\\"scheduledSince\\":\\"$since\\"}"; exit 0; fi`,
  '  echo "{\\"severity\\":\\"ERROR\\",\\"message\\":\\"firestore-backup-missing\\",\\"database\\":\\"$DATABASE\\"}"; exit 1',
  "fi",
  'age=$(( now - $(date -d "$newest" +%s) ))',
  `if [ "$age" -gt "$MAX_AGE_SECONDS" ]; then echo "{\\"severity\\":\\"ERROR\\",\\"message\\":\\"firestore-backup-stale\\",\\"database\\":\\"$DATABASE\\",\\"newest\\":\\"$newest\\",\\"ageSeconds\\":$age}"; exit 1; fi`,
  `echo "{\\"severity\\":\\"INFO\\",\\"message\\":\\"${BACKUP_FRESH_MESSAGE}\\",\\"database\\":\\"$DATABASE\\",\\"newest\\":\\"$newest\\",\\"ageSeconds\\":$age}"`,
].join("\n");

/**
 * A scheduled check that the newest Firestore backup of a database is recent: a Cloud Run job (its own
 * service account may read backup and schedule metadata, nothing else) run hourly by Cloud Scheduler, the way
 * Google documents it (https://cloud.google.com/run/docs/execute/jobs-on-schedule).
 */
export class FirestoreBackupCheck extends Component {
  readonly job: gcp.cloudrunv2.Job;
  /** The job's name: log entries carry it as `resource.labels.job_name`. */
  readonly jobName: pulumi.Output<string>;

  constructor(name: string, args: FirestoreBackupCheckArgs, opts?: pulumi.ComponentResourceOptions) {
    validateFirestoreBackupCheckArgs(args);
    super("module6:data:FirestoreBackupCheck", name, opts);
    const labels = componentLabels(args.labels, "backup-check");

    const account = new gcp.serviceaccount.Account(
      name,
      {
        project: args.project,
        accountId: args.naming.name("serviceAccount", BACKUP_CHECK_NAME),
        displayName: "Firestore backup check",
        description: "Lists Firestore backups to check the newest is recent (managed by Pulumi)",
      },
      this.child(),
    );
    const member = pulumi.interpolate`serviceAccount:${account.email}`;
    // Backup and schedule metadata only (datastore.backups.get/list, datastore.backupSchedules.get/list):
    // no document, no restore (https://cloud.google.com/iam/docs/roles-permissions/firestore).
    for (const role of ["roles/datastore.backupsViewer", "roles/datastore.backupSchedulesViewer"]) {
      new gcp.projects.IAMMember(
        `${name}-${role.replace("roles/datastore.", "").toLowerCase()}`,
        { project: args.project, role, member },
        this.child(),
      );
    }

    this.job = new gcp.cloudrunv2.Job(
      name,
      {
        project: args.project,
        location: args.region,
        name: args.naming.name("generic", BACKUP_CHECK_NAME),
        deletionProtection: args.deletionProtection ?? true,
        labels,
        template: {
          labels,
          taskCount: 1,
          template: {
            serviceAccount: account.email,
            maxRetries: 1,
            timeout: "300s",
            containers: [
              {
                image: args.image ?? DEFAULT_CHECK_IMAGE,
                commands: ["/bin/bash", "-c"],
                args: [CHECK_SCRIPT],
                envs: [
                  { name: "PROJECT", value: args.project },
                  { name: "LOCATION", value: args.location },
                  { name: "DATABASE", value: args.database },
                  { name: "MAX_AGE_SECONDS", value: String(hoursInSeconds(args.maxAgeHours ?? 26)) },
                ],
                resources: { limits: { cpu: "1", memory: "512Mi" } },
              },
            ],
          },
        },
      },
      this.child(),
    );
    this.jobName = this.job.name;

    // Cloud Scheduler calls the job's `:run` method with an OAuth token of the check's account, which
    // needs run.jobs.run on this job only (roles/run.invoker).
    const invoker = new gcp.cloudrunv2.JobIamMember(
      `${name}-invoker`,
      {
        project: args.project,
        location: args.region,
        name: this.job.name,
        role: "roles/run.invoker",
        member,
      },
      this.child(),
    );
    new gcp.cloudscheduler.Job(
      name,
      {
        project: args.project,
        // Cloud Scheduler runs in most Cloud Run regions (https://cloud.google.com/scheduler/docs/locations).
        region: args.region,
        name: args.naming.name("generic", BACKUP_CHECK_NAME),
        description: "Runs the Firestore backup check (managed by Pulumi)",
        schedule: args.schedule ?? "17 * * * *",
        timeZone: "Etc/UTC",
        attemptDeadline: "320s",
        httpTarget: {
          httpMethod: "POST",
          uri: pulumi.interpolate`https://run.googleapis.com/v2/projects/${args.project}/locations/${args.region}/jobs/${this.job.name}:run`,
          oauthToken: {
            serviceAccountEmail: account.email,
            scope: "https://www.googleapis.com/auth/cloud-platform",
          },
        },
      },
      this.child({ dependsOn: [invoker] }),
    );
    this.registerOutputs({ jobName: this.jobName });
  }
}
