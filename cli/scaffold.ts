/**
 * The text of a new municipality file. Placeholders (contract number, signing
 * date, team) are values that validate, each marked TODO in a comment, so a
 * freshly written file passes `validate` and the TODOs are plain to see in review.
 */
import { stringify } from "yaml";
import type { OfficialMunicipality } from "../core/ibge.ts";
import { slugOf } from "../core/ibge.ts";
import type { TierId } from "../core/schema/municipality.ts";

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
  return `# yaml-language-server: $schema=${schemaPath}
#
# ${official.name} (IBGE ${official.code}), written by \`sei-infra new\` on ${today}.
# Values marked TODO are placeholders that validate: replace them with the
# contract's real data. Phase "contracted" deploys nothing; set the PNCP id
# before moving it on.
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
    number: "${placeholderContract}"  # TODO placeholder: the contract number
    signedOn: ${today}  # TODO placeholder: the date the contract was signed
    # pncpId: "CNPJ-2-SEQUENCE/YEAR"  # required once phase is past contracted
  domain: sei.${slug}.${domainSuffix}
  team:
    projectManager: { name: TODO Gerente do Projeto, email: todo.gerente@example.org }  # TODO placeholder
    businessLead: { name: TODO Responsável de Negócio, email: todo.negocio@example.org }  # TODO placeholder
    itLead: { name: TODO Responsável de TI, email: todo.ti@example.org }  # TODO placeholder
    # Before phase training, mark the one member the first install makes administrator, with their
    # login in PRODEMGE's directory: add "login: <login>, firstAdministrator: true" to that member.
`;
}
