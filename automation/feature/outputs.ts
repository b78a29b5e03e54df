/** Reading a feature stack's outputs: the URL of each service. */

/** `serviceUrls` of the program's outputs (service → URL); empty when missing. */
export function serviceUrls(outputs: Readonly<Record<string, unknown>>): Record<string, string> {
  const urls = outputs.serviceUrls;
  if (urls === null || typeof urls !== "object" || Array.isArray(urls)) return {};
  return Object.fromEntries(
    Object.entries(urls as Record<string, unknown>).flatMap(([name, url]) =>
      typeof url === "string" ? [[name, url]] : [],
    ),
  );
}
