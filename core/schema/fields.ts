/**
 * Field types shared by the municipality, tier and platform schemas.
 * Quantities are parsed here, at the edge, into numbers with units in their names.
 */
import { isValidCnpj } from "@brazilian-utils/brazilian-utils/is-valid-cnpj";
import { z } from "zod";
import { parseBytes, parseCpuMillicores, QuantityError } from "../quantity.ts";

/** A Kubernetes CPU quantity ("250m", "2" or 2), parsed into millicores. */
export const cpuQuantity = z
  .union([z.string(), z.number()])
  .transform((value, ctx) => parseQuantity(String(value), parseCpuMillicores, ctx))
  .meta({ description: 'CPU quantity: millicores ("250m") or cores ("2")' });

/** A Kubernetes memory or storage quantity ("512Mi", "20Gi"), parsed into bytes. */
export const byteQuantity = z
  .string()
  .transform((value, ctx) => parseQuantity(value, parseBytes, ctx))
  .meta({ description: 'Size with a binary unit, such as "512Mi", "20Gi" or "2Ti"' });

/** A byte quantity that must lie within [min, max] (both given as quantity strings, for messages). */
export function boundedByteQuantity(min: string, max: string) {
  const low = parseBytes(min);
  const high = parseBytes(max);
  return byteQuantity.refine((bytes) => bytes >= low && bytes <= high, {
    message: `must be between ${min} and ${max}`,
  });
}

function parseQuantity(text: string, parse: (text: string) => number, ctx: z.RefinementCtx): number {
  try {
    return parse(text);
  } catch (error) {
    if (!(error instanceof QuantityError)) throw error;
    ctx.addIssue({ code: "custom", message: error.message });
    return z.NEVER;
  }
}

/** A calendar date written as YYYY-MM-DD that exists (no 2026-02-30). */
export const isoDate = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2}$/, { message: "must be a date written as YYYY-MM-DD" })
  .refine(isRealDate, { message: "is not a real calendar date" })
  .meta({ description: "Date as YYYY-MM-DD" });

/** Builds the date from its numbers (no string parsing, which is slow when 853 files are checked) and checks nothing rolled over. */
export function isRealDate(text: string): boolean {
  const [year = NaN, month = NaN, day = NaN] = text.split("-").map(Number);
  const date = new Date(0);
  date.setUTCFullYear(year, month - 1, day);
  return date.getUTCFullYear() === year && date.getUTCMonth() === month - 1 && date.getUTCDate() === day;
}

/** A Kubernetes DNS-1123 label of at most `max` characters. */
export function dnsLabel(max: number) {
  return z
    .string()
    .max(max, { message: `must be at most ${max} characters` })
    .regex(/^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/, {
      message: "must be lower-case letters, digits and hyphens, starting and ending with a letter or digit",
    });
}

/** A Kubernetes DNS-1123 subdomain: the name of most objects (a StorageClass, an IngressClass, a Secret). */
export const DNS_SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;

/** The name of a Kubernetes object that is a DNS-1123 subdomain. */
export const dnsSubdomain = z.string().max(253, { message: "must be at most 253 characters" }).regex(DNS_SUBDOMAIN, {
  message:
    "must be a Kubernetes object name: lower-case letters, digits, '-' and '.', starting and ending with a letter or digit",
});

/**
 * SMTP authentication at the platform's mail relay: the account's user name,
 * and the Secret in the instance's namespace that holds its password (put
 * there like the registry's pull secret; the password is never in a file of
 * this repository nor in Terraform's state).
 */
export const smtpAuthentication = z
  .strictObject({
    username: z
      .string()
      .min(1)
      .max(256)
      .regex(/^[^\s\p{Cc}]+$/u, { message: "must have no spaces or control characters" }),
    passwordSecret: z.strictObject({
      namespace: dnsLabel(63).meta({
        description: "Namespace of the Secret (PRODEMGE's); each instance gets a copy in its own namespace",
      }),
      name: dnsSubdomain.meta({ description: "Secret with the SMTP password" }),
      key: z
        .string()
        .regex(/^[-._a-zA-Z0-9]{1,253}$/, { message: "must be a Secret key: letters, digits, '-', '_' and '.'" }),
    }),
  })
  .meta({ description: "SMTP user and the Secret (namespace, name, key) with its password" });

/** The common header of every document this project reads. */
export function header<K extends string>(kind: K) {
  return {
    apiVersion: z.literal("sei.mg.gov.br/v1", { message: 'must be "sei.mg.gov.br/v1"' }),
    kind: z.literal(kind, { message: `must be "${kind}"` }),
  };
}

/**
 * A PNCP control number ("número de controle PNCP") of a contract:
 * CNPJ of the contracting body (14 digits), 1 or 2, a 6-digit sequence and the
 * year. The CNPJ check digits are verified with @brazilian-utils (a maintained
 * library) rather than by hand, so a mistyped digit is caught here, not at the PNCP.
 */
export const pncpControlNumber = z
  .string({ message: 'must be a string such as "11222333000181-2-000045/2026"' })
  .regex(/^\d{14}-[12]-\d{6}\/\d{4}$/, {
    message:
      'must be a PNCP control number CNPJ-[1|2]-sequence/year such as "11222333000181-2-000045/2026" (14-digit CNPJ, 1 or 2, 6-digit sequence, 4-digit year)',
    abort: true,
  })
  .refine((id) => isValidCnpj(id.slice(0, 14)), {
    message: "the CNPJ (the first 14 digits) has wrong check digits",
  });

/** A lower-case fully qualified host name ("sei.uberlandia.mg.gov.br"). */
export const hostName = z
  .string()
  .refine((name) => name === name.toLowerCase(), { message: "must be lower case", abort: true })
  .regex(/^(?=.{4,253}$)([a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$/, {
    message: "must be a host name of dot-separated labels (letters, digits, hyphens), such as sei.uberlandia.mg.gov.br",
  });
