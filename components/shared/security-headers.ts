/**
 * Security response headers added by the load balancer to every response, dynamic (backend services) and
 * static (backend bucket) alike.
 */
export const SECURITY_HEADERS: readonly string[] = [
  "Strict-Transport-Security: max-age=31536000; includeSubDomains; preload",
  "X-Content-Type-Options: nosniff",
  "Referrer-Policy: strict-origin-when-cross-origin",
  "X-Frame-Options: DENY",
  "Content-Security-Policy: frame-ancestors 'none'",
];
