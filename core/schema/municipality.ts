/**
 * The shape of one municipality file (municipalities/<name>.yaml): the contract
 * engineers edit. Cross-field and fleet-wide rules live in core/rules/.
 */
import { z } from "zod";
import {
  boundedByteQuantity,
  dnsLabel,
  header,
  hostName,
  isoDate,
  pncpControlNumber,
  smtpAuthentication,
} from "./fields.ts";

export const TIER_IDS = ["pequeno-i", "pequeno-ii", "medio", "grande", "metropole"] as const;
export type TierId = (typeof TIER_IDS)[number];

/** Onboarding steps in order (docs/architecture.md, "Lifecycle phases"). */
export const PHASES = ["contracted", "provisioning", "training", "production", "suspended", "decommissioned"] as const;
export type Phase = (typeof PHASES)[number];

/** Only a contract published on the PNCP is formalized; only then is anything deployed. */
export function isFormalized(phase: Phase): boolean {
  return phase !== "contracted";
}

/** The first administrator must exist from training on: then people use the instance. */
export function needsFirstAdministrator(phase: Phase): boolean {
  return PHASES.indexOf(phase) > PHASES.indexOf("provisioning");
}

const person = z.strictObject({
  name: z.string().trim().min(1, { message: "must not be empty" }),
  email: z.email({ message: "must be an e-mail address" }),
  login: z
    .string()
    .regex(/^[a-z0-9][a-z0-9._-]{0,99}$/, {
      message:
        "must be the person's login name in the directory: lower-case letters, digits, '.', '_' or '-', at most 100 (SIP stores logins in lower case)",
    })
    .optional()
    .meta({ description: "Login name in PRODEMGE's directory, under the municipality's branch" }),
  firstAdministrator: z.literal(true, { message: "must be true, or left out" }).optional().meta({
    description:
      "Marks the one member the first install makes SIP's and SEI's administrator (needs a login); required from phase training on",
  }),
});

/**
 * Sizes a municipality may raise or lower against its tier, within bounds that
 * keep one contract from eating a cluster; with one per volume, a tier
 * downgrade can keep every volume's size. Volumes may grow, never shrink: the
 * capacity diff refuses a shrink between revisions, and validate warns of one
 * (core/history/shrinking-volumes.ts).
 */
export const overridesSchema = z.strictObject({
  documentsStorage: boundedByteQuantity("10Gi", "20Ti")
    .optional()
    .meta({ description: "Document repository size (ReadWriteMany), 10Gi to 20Ti" }),
  databaseStorage: boundedByteQuantity("5Gi", "2Ti")
    .optional()
    .meta({ description: "Database volume size, 5Gi to 2Ti" }),
  solrStorage: boundedByteQuantity("5Gi", "1Ti").optional().meta({ description: "Solr index volume size, 5Gi to 1Ti" }),
  backupStorage: boundedByteQuantity("10Gi", "30Ti").optional().meta({
    description:
      "Backup volume size, 10Gi to 30Ti; at least the room the tier and the other overrides give it (a tier downgrade keeps the old size with it)",
  }),
});

/**
 * Credential rotation as a reviewed change: raising a number gives the
 * credentials it covers new generated values at the next deploy, and the
 * deploy moves the instance over while it serves (docs/runbooks/rotate-credentials.md).
 */
/** One counter of spec.rotation: `covers` names its credentials, `rotate` says what raising it does. */
const rotationCounter = (covers: string, rotate: string) =>
  z
    .int({ error: "must be a whole number: 0, then 1, 2, … one more for each rotation" })
    .min(0)
    .max(9999)
    .optional()
    .meta({ description: `Generation of ${covers}; raise it by one to ${rotate}, never lower it` });

export const rotationSchema = z.strictObject({
  databasePasswords: rotationCounter(
    "the database accounts' passwords (sei_user, sip_user, the backup's account)",
    "rotate them",
  ),
  administratorPassword: rotationCounter("the database administrator's (root) password", "rotate it"),
  solrPassword: rotationCounter("the Solr user and password SEI logs in to Solr with", "rotate them"),
  accessKeys: rotationCounter(
    "SEI's and SIP's access keys",
    "rotate them (SEI's calls to SIP are refused for the moments the app takes to roll)",
  ),
});

/** The rotation counters, each a field of spec.rotation. */
export const ROTATION_FIELDS = rotationSchema.keyof().options;

export const municipalitySchema = z.strictObject({
  ...header("Municipality"),
  metadata: z.strictObject({
    name: dnsLabel(40).meta({ description: "Slug of the municipality; equals the file name without .yaml" }),
  }),
  spec: z.strictObject({
    ibgeCode: z
      .string({ message: 'must be a string of 7 digits, quoted ("3170206")' })
      .regex(/^\d{7}$/, { message: "must be 7 digits" })
      .meta({ description: "7-digit IBGE code of a Minas Gerais municipality" }),
    displayName: z.string().min(1).meta({ description: "Official IBGE name of the municipality, exactly" }),
    population: z
      .int()
      .positive()
      .meta({ description: "Latest IBGE population figure; checked against the tier band" }),
    tier: z.enum(TIER_IDS, { message: `must be one of ${TIER_IDS.join(", ")}` }),
    phase: z.enum(PHASES, { message: `must be one of ${PHASES.join(", ")}` }),
    contract: z.strictObject({
      number: z
        .string({ message: 'must be a string such as "123/2026"' })
        .regex(/^\d{1,6}\/\d{4}$/, { message: 'must look like "123/2026" (number/year)' }),
      signedOn: isoDate,
      pncpId: pncpControlNumber
        .optional()
        .meta({ description: "PNCP control number CNPJ-[12]-sequence/year; required once phase is past contracted" }),
    }),
    goLiveOn: isoDate.optional().meta({ description: "Planned or actual launch date; not before contract.signedOn" }),
    domain: hostName.meta({
      description: "Public host name of the instance (lower case), under an allowed suffix from platform.yaml",
    }),
    cluster: dnsLabel(40)
      .optional()
      .meta({ description: "Cluster name from platform.yaml; the platform default if absent" }),
    movedFrom: dnsLabel(40).optional().meta({
      description:
        "The cluster a deployed municipality runs on, in the change that moves it to spec.cluster (docs/runbooks/move-cluster.md); without it validate refuses a new cluster",
    }),
    team: z.strictObject({
      projectManager: person,
      businessLead: person,
      itLead: person,
    }),
    overrides: overridesSchema.optional(),
    legacyBackupVolume: z
      .union([z.boolean(), z.literal("migrated")], { message: 'must be true, false or "migrated"' })
      .optional()
      .meta({
        description:
          'true keeps the backup claim (sei-backups) of an instance deployed before its cluster had a backup store; instances without it get none once the store is configured. "migrated", written by `sei-infra backups migrate-claim` once the claim\'s sets are in the store, removes the claim from the stack\'s state and leaves the volume (docs/backups.md, "Existing backup claims")',
      }),
    rotation: rotationSchema
      .optional()
      .meta({ description: "Credentials rotated since the first deploy: a generation per kind, 0 when absent" }),
    mail: z
      .strictObject({ authentication: smtpAuthentication })
      .optional()
      .meta({ description: "The municipality's own account at the platform's mail relay, instead of the platform's" }),
  }),
});

export type MunicipalityInput = z.input<typeof municipalitySchema>;
export type Municipality = z.output<typeof municipalitySchema>;

export type TeamRole = keyof Municipality["spec"]["team"];
export type TeamMember = Municipality["spec"]["team"][TeamRole];

/** The team members marked firstAdministrator, in file order (the rules allow exactly one). */
export function markedAdministrators(team: Municipality["spec"]["team"]): { role: TeamRole; member: TeamMember }[] {
  return (Object.entries(team) as [TeamRole, TeamMember][])
    .filter(([, member]) => member.firstAdministrator === true)
    .map(([role, member]) => ({ role, member }));
}
