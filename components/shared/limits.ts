/** Google Cloud limits the components and the naming module share. */

/** The longest Cloud Run traffic tag this program uses or accepts (`canary`, `green`, …). */
export const MAX_TRAFFIC_TAG_LENGTH = 8;

/** A Cloud Run service name plus `-` plus a traffic tag must fit 46 characters for the tag URL. */
export const CLOUD_RUN_NAME_WITH_TAG_MAX = 46;
