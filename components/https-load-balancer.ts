import * as gcp from "@pulumi/gcp";
import * as pulumi from "@pulumi/pulumi";
import { Component } from "./shared/component";
import { CloudArmorEdgePolicy } from "./cloud-armor-edge-policy";
import {
  CloudArmorPolicy,
  validateCloudArmorPolicyArgs,
  type CloudArmorPolicyArgs,
  type MethodEnforcementScope,
} from "./cloud-armor-policy";
import { grantKey } from "./shared/grants";
import { logicalKey } from "./shared/logical-name";
import { ROUTE_RULE, overlappingRoutes, withBarePrefixes } from "./shared/routes";
import { SECURITY_HEADERS } from "./shared/security-headers";
import { componentLabels, type CommonArgs, type Member } from "./shared/types";
import { IAP_MEMBER } from "./shared/members";
import { patternRule, Problems, rule, type ProblemSink } from "./shared/validation";
import { StaticSite, validateStaticSiteArgs, type StaticSiteArgs } from "./static-site";

/** A Cloud Run service behind the load balancer, in one or more regions (one serverless NEG each). */
export interface LoadBalancerBackend {
  /** The service in each region it runs in. */
  readonly regions: readonly { readonly region: string; readonly service: pulumi.Input<string> }[];
  /**
   * IAP on this backend service (internal tools): only these members get through.
   * @default - public
   */
  readonly iapMembers?: readonly string[];
  /**
   * Cloud Armor's method-enforcement rule on this backend's paths: only GET, HEAD, POST and OPTIONS get
   * through. Leave it off for REST APIs (PUT, PATCH, DELETE).
   * @default false
   */
  readonly methodEnforcement?: boolean;
}

/** One path rule of the URL map. */
export interface LoadBalancerRoute {
  /** `/exact` or `/prefix/*`; a `/prefix/*` route also gets `/prefix` unless another route names it. */
  readonly path: string;
  /** A key of `backends`, or `"static"` for the static site. */
  readonly backend: string;
}

/** How TLS certificates are issued (both Google-managed). */
export interface CertificateOptions {
  /**
   * `certificate-manager`: Certificate Manager with DNS authorization, one certificate per certificate
   * domain in a certificate map: a certificate is issued before DNS points here (wildcards allowed), and a
   * change of domains adds or removes certificates without touching the ones that serve.
   * `managed`: one compute managed certificate for every domain; a change of domains replaces it with one
   * that provisions only once it is attached (up to about an hour of HTTPS errors).
   * @default "certificate-manager"
   */
  readonly mode?: "managed" | "certificate-manager";
  /**
   * Domains the certificate covers; every served domain must be covered.
   * @default - the served `domains`
   */
  readonly domains?: readonly string[];
}

/** The static site's options (the load balancer creates it). */
export type StaticSiteOptions = Omit<StaticSiteArgs, keyof CommonArgs | "name" | "cdnFillServiceAgent">;
/**
 * The Cloud Armor policies' options (the load balancer creates them). The allow/deny lists, denied regions,
 * preview and default action apply to the static site's edge policy too; where method enforcement runs
 * follows each backend's `methodEnforcement`.
 */
export type ArmorOptions = Omit<CloudArmorPolicyArgs, keyof CommonArgs | "name" | "methodEnforcement">;

/** Arguments of {@link HttpsLoadBalancer}. `region` is where the static site's bucket lives. */
export interface HttpsLoadBalancerArgs extends CommonArgs {
  /** Logical name (e.g. `edge`); GCP names are `naming.name("generic", name + "-…")`. */
  readonly name: string;
  /** Hostnames served (host rules). */
  readonly domains: readonly string[];
  /**
   * Certificates.
   * @default { mode: "certificate-manager" }
   */
  readonly certificates?: CertificateOptions;
  /**
   * SSL policy profile; the minimum TLS version is always 1.2.
   * @default "MODERN"
   */
  readonly sslProfile?: "MODERN" | "RESTRICTED";
  /** Cloud Run backends by name. */
  readonly backends: Readonly<Record<string, LoadBalancerBackend>>;
  /** Path rules. */
  readonly routes: readonly LoadBalancerRoute[];
  /**
   * What serves paths no route matches: a backend name or `"static"`.
   * @default "static"
   */
  readonly defaultBackend?: string;
  /**
   * The static site (private bucket + Cloud CDN); `null` for none.
   * @default {}
   */
  readonly staticSite?: StaticSiteOptions | null;
  /**
   * Cloud Armor on every backend service, and an edge policy on the static site (always on: only their
   * settings are options).
   * @default {}
   */
  readonly armor?: ArmorOptions;
  /**
   * Share of requests logged (0-1).
   * @default 1
   */
  readonly logSampleRate?: number;
  /**
   * Response headers added to every response.
   * @default - SECURITY_HEADERS: HSTS, no sniffing, no framing, a strict referrer policy
   */
  readonly responseHeaders?: readonly string[];
  /**
   * The project number, for the Cloud CDN fill service agent.
   * @default - looked up with `gcp.organizations.getProject`
   */
  readonly projectNumber?: pulumi.Input<string>;
}

const DOMAIN = /^(\*\.)?([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$/;

/** True when certificate domain `cert` covers host `host` (exact, or a wildcard one label deep). */
export function certificateCovers(cert: string, host: string): boolean {
  if (cert === host) return true;
  if (!cert.startsWith("*.")) return false;
  const rest = host.split(".").slice(1).join(".");
  return rest === cert.slice(2);
}

/** What an unset field of {@link HttpsLoadBalancerArgs} means (the stack config's defaults too). */
export const LOAD_BALANCER_DEFAULTS = {
  certificateMode: "certificate-manager",
  sslProfile: "MODERN",
  logSampleRate: 1,
  defaultBackend: "static",
} as const;

/** The rules of single fields of {@link HttpsLoadBalancerArgs}; the stack config applies them to its keys. */
export const LOAD_BALANCER_RULES = {
  /** A served hostname (4-253 characters, no wildcard). */
  domain: rule<string>(
    "a lowercase DNS name such as app.example.com",
    (d) => DOMAIN.test(d) && !d.startsWith("*.") && d.length >= 4 && d.length <= 253,
  ),
  certificateDomain: patternRule(DOMAIN, "a DNS name, or *.name with certificate-manager"),
  logSampleRate: rule<number>("a number from 0 to 1", (rate) => rate >= 0 && rate <= 1),
  backendName: rule<string>(
    'a name other than "static" (reserved for the static site)',
    (name) => name !== LOAD_BALANCER_DEFAULTS.defaultBackend,
  ),
};

/**
 * Served domains and their certificates: each domain once, every served domain covered by a certificate
 * domain, and wildcards only with Certificate Manager (compute managed certificates take none).
 */
export function checkCertificates(
  p: ProblemSink,
  domains: readonly string[],
  certificates: CertificateOptions | undefined,
): void {
  domains.forEach((d, i) => p.check(domains.indexOf(d) === i, `domains[${i}]`, d, "each domain once"));
  const mode = certificates?.mode ?? LOAD_BALANCER_DEFAULTS.certificateMode;
  const certDomains = certificates?.domains ?? domains;
  certDomains.forEach((d, i) => {
    if (d.startsWith("*."))
      p.check(
        mode === "certificate-manager",
        `certificates.domains[${i}]`,
        d,
        'a wildcard only with mode "certificate-manager"',
      );
  });
  for (const d of domains) {
    p.check(
      certDomains.some((c) => certificateCovers(c, d)),
      "certificates.domains",
      certDomains,
      `a certificate domain that covers ${d}`,
    );
  }
}

/** Checks {@link HttpsLoadBalancerArgs}; throws one `ValidationError` naming every problem. */
export function validateHttpsLoadBalancerArgs(args: HttpsLoadBalancerArgs): void {
  const p = new Problems(`HttpsLoadBalancer "${args.name}"`);
  const rules = LOAD_BALANCER_RULES;
  p.check(args.domains.length > 0, "domains", args.domains, "at least one domain");
  args.domains.forEach((d, i) => p.rule(`domains[${i}]`, d, rules.domain));
  (args.certificates?.domains ?? args.domains).forEach((d, i) =>
    p.rule(`certificates.domains[${i}]`, d, rules.certificateDomain),
  );
  checkCertificates(p, args.domains, args.certificates);
  checkRouting(p, args);
  for (const [name, backend] of Object.entries(args.backends)) {
    p.rule(`backends.${name}`, name, rules.backendName);
    p.check(/^[a-z][a-z0-9-]{0,19}$/.test(name), `backends.${name}`, name, "1-20 of a-z 0-9 '-'");
    p.check(backend.regions.length > 0, `backends.${name}.regions`, backend.regions, "at least one region");
    const regions = backend.regions.map((r) => r.region);
    regions.forEach((r, i) =>
      p.check(regions.indexOf(r) === i, `backends.${name}.regions[${i}]`, r, "each region once"),
    );
    (backend.iapMembers ?? []).forEach((m, i) => p.rule(`backends.${name}.iapMembers[${i}]`, m, IAP_MEMBER));
    if (backend.iapMembers)
      p.check(backend.iapMembers.length > 0, `backends.${name}.iapMembers`, [], "at least one member");
  }
  p.rule("logSampleRate", args.logSampleRate ?? LOAD_BALANCER_DEFAULTS.logSampleRate, rules.logSampleRate);
  p.throwIfAny();
  // The children validate their own options; run them now so nothing is created when one is wrong.
  validateCloudArmorPolicyArgs({ ...args, ...args.armor, name: `${args.name}-armor` });
  if (args.staticSite)
    validateStaticSiteArgs({ ...args, ...args.staticSite, name: "static", cdnFillServiceAgent: "x" });
}

/** Routes and the default backend: known targets, valid paths, no two routes on one path. */
function checkRouting(p: Problems, args: HttpsLoadBalancerArgs): void {
  const hasStatic = args.staticSite !== null;
  const targets = new Set([...Object.keys(args.backends), ...(hasStatic ? ["static"] : [])]);
  const known = `one of ${[...targets].join(", ") || "(none)"}`;
  args.routes.forEach((r, i) => {
    p.rule(`routes[${i}].path`, r.path, ROUTE_RULE);
    p.check(targets.has(r.backend), `routes[${i}].backend`, r.backend, known);
  });
  for (const [i, j] of overlappingRoutes(args.routes.map((r) => ({ path: r.path, target: r.backend })))) {
    const a = args.routes[i];
    const b = args.routes[j];
    p.add(
      `routes[${j}].path`,
      b?.path,
      `a path that does not overlap routes[${i}] (${a?.path} → ${a?.backend})`,
    );
  }
  const defaultBackend = args.defaultBackend ?? LOAD_BALANCER_DEFAULTS.defaultBackend;
  p.check(targets.has(defaultBackend), "defaultBackend", defaultBackend, known);
}

/**
 * Where Cloud Armor's method-enforcement rule runs: on the routes of backends with `methodEnforcement`, or,
 * when the default backend has it (it serves every unrouted path), everywhere but the routes of backends
 * without it.
 */
export function methodEnforcementScope(
  backends: Readonly<Record<string, LoadBalancerBackend>>,
  routes: readonly LoadBalancerRoute[],
  defaultBackend: string,
): MethodEnforcementScope {
  const enforced = (backend: string): boolean => backends[backend]?.methodEnforcement === true;
  const services = routes.filter((r) => r.backend !== "static");
  if (enforced(defaultBackend))
    return { except: services.filter((r) => !enforced(r.backend)).map((r) => r.path) };
  return { only: services.filter((r) => enforced(r.backend)).map((r) => r.path) };
}

/** A DNS record the user must create for the load balancer. */
export interface DnsRecord {
  readonly name: string;
  readonly type: string;
  readonly data: string;
}

/**
 * One global external Application Load Balancer (`EXTERNAL_MANAGED`) that is secure by default: IPv4 and
 * IPv6, Google-managed certificates, an SSL policy with TLS ≥ 1.2, port 80 that only redirects, Cloud Armor
 * and request logging on every backend service, security response headers, serverless NEGs per region,
 * and the static site behind Cloud CDN.
 */
export class HttpsLoadBalancer extends Component {
  readonly ipv4: pulumi.Output<string>;
  readonly ipv6: pulumi.Output<string>;
  /** `https://<domain>` for every served domain. */
  readonly urls: readonly string[];
  /** Resource names of the certificates, to watch their provisioning status. */
  readonly certificateNames: pulumi.Output<string[]>;
  /** DNS records to create: A/AAAA for every domain, and the DNS-authorization CNAMEs. */
  readonly dnsRecords: pulumi.Output<DnsRecord[]>;
  readonly armor: CloudArmorPolicy;
  readonly staticSite: StaticSite | undefined;
  readonly backendServices: Readonly<Record<string, gcp.compute.BackendService>>;
  readonly urlMap: gcp.compute.URLMap;
  readonly httpsProxy: gcp.compute.TargetHttpsProxy;

  constructor(name: string, args: HttpsLoadBalancerArgs, opts?: pulumi.ComponentResourceOptions) {
    validateHttpsLoadBalancerArgs(args);
    super("module6:edge:HttpsLoadBalancer", name, opts);
    const labels = componentLabels(args.labels, "load-balancer");
    const gcpName = (suffix: string): string => args.naming.name("generic", `${args.name}-${suffix}`);
    const headers = [...(args.responseHeaders ?? SECURITY_HEADERS)];
    const parent = this.child();

    const ipv4 = new gcp.compute.GlobalAddress(
      `${name}-ipv4`,
      { project: args.project, name: gcpName("ipv4"), ipVersion: "IPV4", addressType: "EXTERNAL", labels },
      parent,
    );
    const ipv6 = new gcp.compute.GlobalAddress(
      `${name}-ipv6`,
      { project: args.project, name: gcpName("ipv6"), ipVersion: "IPV6", addressType: "EXTERNAL", labels },
      parent,
    );
    this.ipv4 = ipv4.address;
    this.ipv6 = ipv6.address;

    const sslPolicy = new gcp.compute.SSLPolicy(
      name,
      {
        project: args.project,
        name: gcpName("tls"),
        profile: args.sslProfile ?? LOAD_BALANCER_DEFAULTS.sslProfile,
        minTlsVersion: "TLS_1_2",
      },
      parent,
    );

    const routes = withBarePrefixes(args.routes);
    this.armor = new CloudArmorPolicy(
      `${name}-armor`,
      {
        ...args,
        ...args.armor,
        name: `${args.name}-armor`,
        methodEnforcement: methodEnforcementScope(
          args.backends,
          routes,
          args.defaultBackend ?? LOAD_BALANCER_DEFAULTS.defaultBackend,
        ),
      },
      parent,
    );

    if (args.staticSite !== null) {
      const number =
        args.projectNumber ?? gcp.organizations.getProjectOutput({ projectId: args.project }, parent).number;
      // Backend buckets take no backend (CLOUD_ARMOR) policy, only an edge one: the same IP and region
      // lists as the backends' policy, evaluated before the CDN cache.
      const edgePolicy = new CloudArmorEdgePolicy(
        `${name}-static-armor`,
        {
          ...args,
          name: `${args.name}-static-armor`,
          allowIpRanges: args.armor?.allowIpRanges,
          denyIpRanges: args.armor?.denyIpRanges,
          denyRegions: args.armor?.denyRegions,
          preview: args.armor?.preview,
          defaultAction: args.armor?.defaultAction,
        },
        parent,
      );
      this.staticSite = new StaticSite(
        `${name}-static`,
        {
          ...args,
          ...args.staticSite,
          name: "static",
          cdnFillServiceAgent: pulumi.interpolate`service-${number}@cloud-cdn-fill.iam.gserviceaccount.com`,
          edgeSecurityPolicy: edgePolicy.id,
        },
        parent,
      );
    }

    const services: Record<string, gcp.compute.BackendService> = {};
    for (const [backendName, backend] of Object.entries(args.backends)) {
      const negs = backend.regions.map(
        ({ region, service }) =>
          new gcp.compute.RegionNetworkEndpointGroup(
            `${name}-${backendName}-${region}`,
            {
              project: args.project,
              // Auto-named: a change of service replaces the NEG create-before-delete, never by name.
              region,
              networkEndpointType: "SERVERLESS",
              cloudRun: { service },
            },
            parent,
          ),
      );
      const service = new gcp.compute.BackendService(
        `${name}-${backendName}`,
        {
          project: args.project,
          name: gcpName(backendName),
          description: `Cloud Run service ${backendName} (managed by Pulumi)`,
          loadBalancingScheme: "EXTERNAL_MANAGED",
          protocol: "HTTPS",
          backends: negs.map((neg) => ({ group: neg.id })),
          securityPolicy: this.armor.selfLink,
          logConfig: { enable: true, sampleRate: args.logSampleRate ?? LOAD_BALANCER_DEFAULTS.logSampleRate },
          customResponseHeaders: headers,
          // Explicit on public backends too: an omitted `iap` block diffs on every update in some provider
          // versions (hashicorp/terraform-provider-google#29069, fixed in 7.46.1 by magic-modules#18840).
          iap: { enabled: backend.iapMembers !== undefined },
        },
        parent,
      );
      for (const member of backend.iapMembers ?? [])
        this.grantIapAccess(`${name}-${backendName}`, service, member);
      services[backendName] = service;
    }
    this.backendServices = services;

    const target = (backend: string): pulumi.Output<string> => {
      if (backend === "static" && this.staticSite) return this.staticSite.backendBucket.selfLink;
      const service = services[backend];
      if (!service) throw new pulumi.RunError(`HttpsLoadBalancer "${args.name}": unknown backend ${backend}`);
      return service.selfLink;
    };
    const byBackend = new Map<string, string[]>();
    for (const route of routes)
      byBackend.set(route.backend, [...(byBackend.get(route.backend) ?? []), route.path]);
    const defaultService = target(args.defaultBackend ?? LOAD_BALANCER_DEFAULTS.defaultBackend);

    this.urlMap = new gcp.compute.URLMap(
      name,
      {
        project: args.project,
        name: gcpName("https"),
        description: "Routes of the module6 services and static assets (managed by Pulumi)",
        defaultService,
        hostRules: [{ hosts: [...args.domains], pathMatcher: "routes" }],
        pathMatchers: [
          {
            name: "routes",
            defaultService,
            pathRules: [...byBackend.entries()].map(([backend, paths]) => ({
              paths,
              service: target(backend),
            })),
          },
        ],
      },
      parent,
    );

    const certs = this.certificates(name, args, gcpName, labels);
    this.certificateNames = certs.names;
    this.httpsProxy = new gcp.compute.TargetHttpsProxy(
      name,
      {
        project: args.project,
        name: gcpName("https"),
        urlMap: this.urlMap.id,
        sslPolicy: sslPolicy.id,
        sslCertificates: certs.sslCertificates,
        certificateMap: certs.certificateMap,
      },
      parent,
    );

    // Port 80 has its own URL map whose only behaviour is a redirect to HTTPS: nothing is served in clear.
    const redirectMap = new gcp.compute.URLMap(
      `${name}-redirect`,
      {
        project: args.project,
        name: gcpName("http-redirect"),
        description: "Redirects every plain-HTTP request to HTTPS (managed by Pulumi)",
        defaultUrlRedirect: {
          httpsRedirect: true,
          stripQuery: false,
          redirectResponseCode: "MOVED_PERMANENTLY_DEFAULT",
        },
      },
      parent,
    );
    const httpProxy = new gcp.compute.TargetHttpProxy(
      `${name}-redirect`,
      { project: args.project, name: gcpName("http-redirect"), urlMap: redirectMap.id },
      parent,
    );

    for (const [version, address] of [
      ["ipv4", ipv4],
      ["ipv6", ipv6],
    ] as const) {
      new gcp.compute.GlobalForwardingRule(
        `${name}-https-${version}`,
        {
          project: args.project,
          name: gcpName(`https-${version}`),
          loadBalancingScheme: "EXTERNAL_MANAGED",
          ipProtocol: "TCP",
          portRange: "443",
          ipAddress: address.id,
          target: this.httpsProxy.id,
          labels,
        },
        parent,
      );
      new gcp.compute.GlobalForwardingRule(
        `${name}-http-${version}`,
        {
          project: args.project,
          name: gcpName(`http-${version}`),
          loadBalancingScheme: "EXTERNAL_MANAGED",
          ipProtocol: "TCP",
          portRange: "80",
          ipAddress: address.id,
          target: httpProxy.id,
          labels,
        },
        parent,
      );
    }

    this.urls = args.domains.map((d) => `https://${d}`);
    this.dnsRecords = pulumi
      .all([this.ipv4, this.ipv6, certs.authorizationRecords])
      .apply(([v4, v6, auth]) => [
        ...args.domains.flatMap((d) => [
          { name: `${d}.`, type: "A", data: v4 },
          { name: `${d}.`, type: "AAAA", data: v6 },
        ]),
        ...auth,
      ]);
    this.registerOutputs({
      ipv4: this.ipv4,
      ipv6: this.ipv6,
      urls: this.urls,
      certificateNames: this.certificateNames,
      dnsRecords: this.dnsRecords,
    });
  }

  private certificates(
    name: string,
    args: HttpsLoadBalancerArgs,
    gcpName: (suffix: string) => string,
    labels: Record<string, string>,
  ): {
    names: pulumi.Output<string[]>;
    sslCertificates?: pulumi.Output<string>[];
    certificateMap?: pulumi.Output<string>;
    authorizationRecords: pulumi.Output<DnsRecord[]>;
  } {
    const domains = [...(args.certificates?.domains ?? args.domains)];
    if (args.certificates?.mode === "managed") {
      // No fixed name: Pulumi auto-names it, so new domains create a new certificate before the old one is
      // deleted. The new one only provisions once attached and DNS points here ("This resource will return
      // as soon as the certificate object is created, but post-creation the certificate object will go
      // through a provisioning process", Pulumi registry, gcp.compute.ManagedSslCertificate), so HTTPS
      // fails until it is ACTIVE: the reason `certificate-manager` is the default.
      const cert = new gcp.compute.ManagedSslCertificate(
        `${name}-cert`,
        { project: args.project, type: "MANAGED", managed: { domains } },
        this.child(),
      );
      return {
        names: pulumi.all([cert.name]),
        sslCertificates: [cert.id],
        authorizationRecords: pulumi.output([]),
      };
    }
    const authDomains = [...new Set(domains.map((d) => d.replace(/^\*\./, "")))];
    const auths = authDomains.map(
      (domain) =>
        new gcp.certificatemanager.DnsAuthorization(
          `${name}-dns-${logicalKey([domain])}`,
          { project: args.project, name: gcpName(`dns-${logicalKey([domain])}`), domain, labels },
          this.child(),
        ),
    );
    const authOf = new Map(authDomains.map((d, i) => [d, auths[i]]));
    // One certificate per certificate domain, each authorized by DNS ahead of traffic
    // (https://cloud.google.com/certificate-manager/docs/dns-authorization): adding or removing a domain
    // creates or deletes only that domain's certificate, and the hostnames already served keep theirs,
    // with no window in which a hostname's only certificate is still provisioning. Auto-named: a
    // replaced certificate is created before the old one is deleted.
    const certs = new Map(
      domains.map((domain, i) => {
        const auth = authOf.get(domain.replace(/^\*\./, ""));
        const cert = new gcp.certificatemanager.Certificate(
          `${name}-cert-${logicalKey([domain])}`,
          {
            project: args.project,
            scope: "DEFAULT",
            labels,
            managed: { domains: [domain], dnsAuthorizations: auth ? [auth.id] : [] },
          },
          // The single certificate was `<name>-cert`: a stack with one domain keeps it as it is.
          this.child(i === 0 ? { aliases: [{ name: `${name}-cert` }] } : {}),
        );
        return [domain, cert] as const;
      }),
    );
    const map = new gcp.certificatemanager.CertificateMap(
      name,
      { project: args.project, name: gcpName("certs"), labels },
      this.child(),
    );
    args.domains.forEach((hostname) => {
      // The exact certificate first, else the wildcard one level up (validation ensures one covers it).
      const domain =
        domains.find((d) => d === hostname) ?? domains.find((d) => certificateCovers(d, hostname));
      const cert = domain === undefined ? undefined : certs.get(domain);
      if (cert === undefined)
        throw new pulumi.RunError(`HttpsLoadBalancer "${args.name}": no certificate covers ${hostname}`);
      new gcp.certificatemanager.CertificateMapEntry(
        `${name}-${logicalKey([hostname])}`,
        {
          project: args.project,
          name: gcpName(logicalKey([hostname])),
          map: map.name,
          hostname,
          certificates: [cert.id],
          labels,
        },
        this.child(),
      );
    });
    return {
      names: pulumi.all([...certs.values()].map((c) => c.name)),
      certificateMap: pulumi.interpolate`//certificatemanager.googleapis.com/${map.id}`,
      authorizationRecords: pulumi
        .all(auths.map((a) => a.dnsResourceRecords))
        .apply((lists) => lists.flat().map((r) => ({ name: r.name, type: r.type, data: r.data }))),
    };
  }

  private grantIapAccess(prefix: string, service: gcp.compute.BackendService, member: Member): void {
    new gcp.iap.WebBackendServiceIamMember(
      `${prefix}-iap-${grantKey(member, undefined, "HttpsLoadBalancer.grantIapAccess")}`,
      {
        project: service.project,
        webBackendService: service.name,
        role: "roles/iap.httpsResourceAccessor",
        member,
      },
      this.child(),
    );
  }
}
