import type * as pulumi from "@pulumi/pulumi";

/** A notification channel from config. Tokens are Pulumi secrets, never plain text. */
export type ChannelSpec =
  | { readonly type: "email"; readonly address: string }
  | { readonly type: "slack"; readonly channel: string; readonly token?: pulumi.Input<string> }
  | { readonly type: "pagerduty"; readonly serviceKey?: pulumi.Input<string> }
  | { readonly type: "webhook"; readonly url: string };

/** The Cloud Monitoring channel type and labels of a channel. */
export function channelSettings(spec: ChannelSpec): {
  type: string;
  labels: Record<string, string>;
  sensitiveLabels?: { authToken?: pulumi.Input<string>; serviceKey?: pulumi.Input<string> };
} {
  switch (spec.type) {
    case "email":
      return { type: "email", labels: { email_address: spec.address } };
    case "slack":
      return {
        type: "slack",
        labels: { channel_name: spec.channel },
        sensitiveLabels: { authToken: spec.token },
      };
    case "pagerduty":
      return { type: "pagerduty", labels: {}, sensitiveLabels: { serviceKey: spec.serviceKey } };
    case "webhook":
      return { type: "webhook_tokenauth", labels: { url: spec.url } };
  }
}
