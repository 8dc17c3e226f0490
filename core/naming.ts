/**
 * Names and labels every instance shares. Kept in one place because they are a
 * contract between Terraform resources, the chart and the network policies:
 * renaming one here renames it everywhere at once.
 */

export const RELEASE_NAME = "sei";
export const CHART_PATH = "charts/sei";

export const LABEL = {
  name: "app.kubernetes.io/name",
  instance: "app.kubernetes.io/instance",
  component: "app.kubernetes.io/component",
  partOf: "app.kubernetes.io/part-of",
  managedBy: "app.kubernetes.io/managed-by",
  municipality: "sei.mg.gov.br/municipality",
  ibgeCode: "sei.mg.gov.br/ibge-code",
  tier: "sei.mg.gov.br/tier",
  phase: "sei.mg.gov.br/phase",
} as const;

/** Keys of the Secrets Terraform generates; the chart reads the same keys (values.schema.json documents them). */
export const SECRET_KEYS = {
  database: {
    rootPassword: "APP_DB_ROOT_PASSWORD",
    seiPassword: "APP_DB_SEI_PASSWORD",
    sipPassword: "APP_DB_SIP_PASSWORD",
  },
  app: {
    seiAccessKey: "APP_SEI_CHAVE_ACESSO",
    sipAccessKey: "APP_SIP_CHAVE_ACESSO",
    solrPassword: "SOLR_PASSWORD",
  },
} as const;

export function stackName(municipality: string): string {
  return `sei-${municipality}`;
}

export function namespaceName(municipality: string): string {
  return `sei-${municipality}`;
}
