/**
 * The text of a new municipality file. Placeholders (contract number, signing
 * date, team) are values that validate, each tagged `!placeholder` (the
 * PLACEHOLDER_TAG the loader knows), so a freshly written file passes
 * `validate` in phase contracted, and fails it past contracted until every
 * tagged value is replaced (core/rules/placeholders.ts).
 */
import { stringify } from "yaml";
import type { OfficialMunicipality } from "./ibge.ts";
import { slugOf } from "./ibge.ts";
import { PLACEHOLDER_TAG } from "./load/index.ts";
import type { TierId } from "./schema/municipality.ts";

export interface ScaffoldInput {
  readonly official: OfficialMunicipality;
  readonly tier: TierId;
  /** Domain suffix from platform.yaml; the default domain is sei.<slug>.<suffix>. */
  readonly domainSuffix: string;
  /** YYYY-MM-DD, the placeholder signing date. */
  readonly today: string;
  /** Relative path from the new file to schema/municipality.schema.json, for the editor. */
  readonly schemaPath: string;
}

export function scaffoldMunicipality({ official, tier, domainSuffix, today, schemaPath }: ScaffoldInput): string {
  const slug = slugOf(official.name);
  const year = today.slice(0, 4);
  // Unique per municipality (IBGE codes differ after "3"), so two fresh files never collide on the uniqueness rule.
  const placeholderContract = `${official.code.slice(1)}/${year}`;
  const scalar = (value: string) => stringify(value).trimEnd();
  const placeholder = (value: string) => `${PLACEHOLDER_TAG} ${scalar(value)}`;
  const person = (role: string, name: string, mailbox: string) =>
    `    ${role}:\n      name: ${placeholder(`TODO ${name}`)}\n      email: ${placeholder(`todo.${mailbox}@example.org`)}`;
  return `# yaml-language-server: $schema=${schemaPath}
#
# ${official.name} (IBGE ${official.code}), written by \`sei-infra new\` on ${today}.
# Values tagged ${PLACEHOLDER_TAG} are placeholders: replace each with the
# contract's real data and drop the tag. Phase "contracted" deploys nothing;
# validate refuses placeholders and a missing PNCP id past it.
apiVersion: sei.mg.gov.br/v1
kind: Municipality
metadata:
  name: ${slug}
spec:
  ibgeCode: "${official.code}"
  displayName: ${scalar(official.name)}
  population: ${official.population}  # IBGE Census 2022, data/ibge/minas-gerais.csv
  tier: ${tier}
  phase: contracted
  contract:
    number: ${placeholder(placeholderContract)}
    signedOn: ${placeholder(today)}
    # pncpId: "CNPJ-2-SEQUENCE/YEAR"  # required once phase is past contracted
  domain: sei.${slug}.${domainSuffix}
  team:
${person("projectManager", "Gerente do Projeto", "gerente")}
${person("businessLead", "Responsável de Negócio", "negocio")}
${person("itLead", "Responsável de TI", "ti")}
    # Before phase training, mark the one member the first install makes administrator, with their
    # login in PRODEMGE's directory: add "login: <login>" and "firstAdministrator: true" to that member.
`;
}
