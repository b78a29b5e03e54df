/** The Pulumi config namespace of this program (`module6:<key>`), the project name in `Pulumi.yaml`. */
export const NAMESPACE = "module6";
/** Secret values live in their own keys, `module6:secret-<name>`, set with `pulumi config set --secret`. */
export const SECRET_KEY_PREFIX = "secret-";
/** Notification-channel credentials (Slack token, PagerDuty key) live in `module6:channel-<name>`, as secrets. */
export const CHANNEL_KEY_PREFIX = "channel-";
