/**
 * The directory (LDAP or Active Directory) of one cluster in platform.yaml:
 * PRODEMGE's, shared by the cluster's instances, each municipality under its
 * own branch `ou=<municipality>,<baseDn>`. The first install registers it as
 * SIP's authentication server (sip.servidor_autenticacao, linked to the
 * organisation by rel_orgao_autenticacao); SIP then binds to it for every login.
 */
import { z } from "zod";
import { dnsLabel } from "./fields.ts";
import { egressCidr } from "./platform-network.ts";

/**
 * ldap:// or ldaps://, a host name and an optional port. SIP stores the URL in
 * servidor_autenticacao.endereco (varchar 100) and hands it to PHP's
 * ldap_connect, which takes the scheme and port from a URL.
 */
const LDAP_URL = /^ldaps?:\/\/[a-z0-9]([a-z0-9.-]*[a-z0-9])?(:[1-9][0-9]{0,4})?$/;

/** An RFC 4514 distinguished name of plain attribute=value pairs (no escapes, no multi-valued RDNs). */
const DN =
  /^[A-Za-z][A-Za-z0-9-]*=[^,=+<>#;\\"\s][^,=+<>#;\\"]*(,[A-Za-z][A-Za-z0-9-]*=[^,=+<>#;\\"\s][^,=+<>#;\\"]*)*$/;

/** One PEM certificate block: what libldap reads from LDAPTLS_CACERT. */
export const PEM_CERTIFICATE = /^-----BEGIN CERTIFICATE-----\n[A-Za-z0-9+/=\n]+\n-----END CERTIFICATE-----\n?$/;

const distinguishedName = (max: number) =>
  z
    .string()
    .max(max, { error: `must be at most ${max} characters (SIP's column size)` })
    .regex(DN, { error: 'must be a distinguished name such as "ou=municipios,dc=prodemge,dc=mg,dc=gov,dc=br"' });

/** SIP's two kinds of authentication server (servidor_autenticacao.sta_tipo). */
export const DIRECTORY_TYPES = ["LDAP", "AD"] as const;

export const directorySchema = z.strictObject({
  url: z
    .string()
    .max(100, { error: "must be at most 100 characters (sip.servidor_autenticacao.endereco)" })
    .regex(LDAP_URL, { error: 'must be an LDAP URL such as "ldaps://ldap.prodemge.mg.gov.br:636"' })
    .meta({
      description: "ldap:// or ldaps:// URL of the directory; ldaps (TLS, verified against `ca`) in production",
    }),
  type: z
    .enum(DIRECTORY_TYPES, { error: "must be LDAP (OpenLDAP and other LDAP servers) or AD (Active Directory)" })
    .meta({
      description: "SIP's server type (servidor_autenticacao.sta_tipo): LDAP or AD",
    }),
  // 100 less the "ou=<municipality>," SIP's search base adds (at most 44 characters).
  baseDn: distinguishedName(56).meta({
    description:
      "Under it each municipality has its own branch ou=<municipality name>, SIP's search base for that instance",
  }),
  loginAttribute: z
    .string()
    .regex(/^[A-Za-z][A-Za-z0-9-]{0,99}$/, { error: "must be an attribute name such as uid or sAMAccountName" })
    .default("uid")
    .meta({ description: "Attribute a login name is searched by (servidor_autenticacao.atributo_filtro_pesquisa)" }),
  bindSecret: z
    .strictObject({
      namespace: dnsLabel(63),
      name: dnsLabel(63),
    })
    .meta({
      description:
        "Secret (keys bindDn and password) of the account SIP searches with; each instance gets a copy in its namespace",
    }),
  ca: z
    .string()
    .regex(PEM_CERTIFICATE, { error: "must be one PEM certificate (-----BEGIN CERTIFICATE----- …)" })
    .meta({ description: "The CA certificate (PEM) the directory's TLS certificate is verified against" }),
  cidr: egressCidr("the directory servers' own network", "the directory is PRODEMGE's, inside its network").meta({
    description:
      "Network of the directory servers, the only directory egress allowed: private, covering neither the cluster's pod nor its service network",
  }),
});

export type Directory = z.output<typeof directorySchema>;

/** The port of an LDAP URL: the one written, else the scheme's (389, or 636 for ldaps). */
export function directoryPort(url: string): number {
  const port = /:([0-9]+)$/.exec(url.replace(/^ldaps?:\/\//, ""));
  if (port) return Number(port[1]);
  return url.startsWith("ldaps://") ? 636 : 389;
}
