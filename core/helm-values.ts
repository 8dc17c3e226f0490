/**
 * The values of the in-repo SEI chart (charts/sei), as the resolved plan
 * produces them. charts/sei/values.schema.json is the chart-side copy of this
 * contract; a test renders every tier's values against it.
 * Quantities here are already Kubernetes strings: this is the rendering edge.
 */

export interface HelmResources {
  requests: { cpu: string; memory: string };
  limits: { cpu: string; memory: string };
}

export interface HelmImage {
  repository: string;
  tag: string;
}

export interface HelmValues {
  municipality: {
    name: string;
    ibgeCode: string;
    displayName: string;
    tier: string;
    phase: string;
  };
  host: string;
  serviceAccountName: string;
  imagePullSecrets: { name: string }[];
  componentLabel: string;
  app: {
    image: HelmImage;
    replicas: number;
    autoscaling: { enabled: boolean; minReplicas: number; maxReplicas: number; targetCpuPercent: number };
    podDisruptionBudget: { enabled: boolean; minAvailable: number };
    resources: HelmResources;
    port: number;
  };
  scheduler: { enabled: boolean; resources: HelmResources };
  updater: { enabled: boolean; resources: HelmResources; activeDeadlineSeconds: number };
  solr: {
    image: HelmImage;
    replicas: number;
    heapMegabytes: number;
    resources: HelmResources;
    port: number;
    existingClaim: string;
    cores: { protocolos: string; basesConhecimento: string; publicacoes: string };
  };
  memcached: {
    image: HelmImage;
    replicas: number;
    cacheMegabytes: number;
    sessions: boolean;
    resources: HelmResources;
    port: number;
  };
  jod: { enabled: boolean; image: HelmImage; replicas: number; resources: HelmResources; port: number };
  database: {
    type: "MySql";
    host: string;
    port: number;
    seiDatabase: string;
    sipDatabase: string;
    seiUsername: string;
    sipUsername: string;
    rootUsername: string;
    secretName: string;
  };
  documents: { existingClaim: string; mountPath: string };
  secrets: { appSecretName: string };
  ingress: {
    className: string;
    clusterIssuer: string;
    tlsSecretName: string;
    bodySize: string;
    stickySessions: boolean;
  };
  mail: { host: string; port: number; security: string };
}
