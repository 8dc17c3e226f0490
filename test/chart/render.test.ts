/**
 * `helm template` of charts/sei with the values the plan gives every tier in
 * every phase that has a release; the manifests are checked against the
 * Kubernetes API schemas (strictly) and against the rules that matter here.
 * Each tier/phase is rendered once, in beforeAll.
 */
import { readFileSync } from "node:fs";
import { beforeAll, describe, expect, it } from "vitest";
import { parse } from "yaml";
import type { RenderedResources, HelmValues } from "../../core/schema/helm-values.ts";
import { LABEL, SECRET_KEYS, SECRET_NAMES, USER_NAME_KEYS } from "../../core/naming.ts";
import {
  BOOTSTRAP_ENV,
  FIXED_SERVICE_NAMES,
  IMAGES,
  LOGIN_FORM,
  SEI_APP_ENV,
  SOLR_CORES,
  UPDATER_ENV,
} from "../../core/image-contract.ts";
import { parseBytes } from "../../core/quantity.ts";
import { imageReference } from "../../core/resolve/images.ts";
import { LOG_ROOM_BYTES } from "../../core/scratch.ts";
import { TIER_IDS, examplePlan, examplePlatform } from "../../scripts/lib/example-plan.ts";
import {
  KubernetesSchemas,
  allContainers,
  chartRenders,
  find,
  get,
  helmTemplate,
  helmTools,
  podTemplate,
  releaseCases,
  workloads,
  type Container,
  type Manifest,
  type ReleaseCase,
} from "./support.ts";

/** Component label values the namespace's NetworkPolicies (made by Terraform) select. */
const COMPONENTS = ["app", "scheduler", "updater", "bootstrap", "solr", "memcached", "jod"] as const;
type Component = (typeof COMPONENTS)[number];

/**
 * The ConfigMap's keys: the SEI images' variables (core/image-contract.ts) but those the chart takes from a
 * Secret, which are named as the Secrets' keys (core/naming.ts) or, for the SMTP password, the platform's.
 */
const BY_SECRET = new Set<string>([
  ...Object.values(SECRET_KEYS.database),
  ...Object.values(SECRET_KEYS.app),
  "APP_MAIL_SENHA",
]);
const CONFIG_NAMES = [...SEI_APP_ENV, ...UPDATER_ENV].filter((name) => !BY_SECRET.has(name));

const cases = releaseCases();
type Case = ReleaseCase;
const name = (c: Case) => c.name;
const running = cases.filter((c) => c.phase !== "suspended");
const suspended = cases.filter((c) => c.phase === "suspended");
const { render, manifestsOf } = chartRenders(cases);
beforeAll(render, 900_000);
/** The repository's platform, as every case has it. */
const platform = examplePlatform((spec) => spec);

const componentOf = (workload: Manifest): Component =>
  podTemplate(workload).metadata.labels[LABEL.component] as Component;

function expectedResources(values: HelmValues, component: Component): Container["resources"] {
  // The first-install hook runs before the updater, never beside it, in the updater's slot of the quota.
  const { requests, limits } = component === "bootstrap" ? values.updater.resources : values[component].resources;
  const kubernetes = ({ cpu, memory, ephemeralStorage }: RenderedResources["requests"]) => ({
    cpu,
    memory,
    "ephemeral-storage": ephemeralStorage,
  });
  return { requests: kubernetes(requests), limits: kubernetes(limits) };
}

function envOf(container: Container, envName: string) {
  return container.env?.find((e) => e.name === envName);
}

describe("which phases have a release", () => {
  it("renders provisioning, training, production and suspended for every tier", () => {
    expect(new Set(cases.map((c) => c.phase))).toEqual(
      new Set(["provisioning", "training", "production", "suspended"]),
    );
    expect(cases).toHaveLength(TIER_IDS.length * 4);
  });
});

describe("Kubernetes API schemas (strict)", () => {
  let schemas: KubernetesSchemas;
  beforeAll(() => {
    schemas = new KubernetesSchemas(helmTools().openApiDir);
  });

  it.each(cases.map((c) => [name(c), c] as const))("%s: every object is valid", (_, c) => {
    expect(manifestsOf(c).flatMap((m) => schemas.validate(m))).toEqual([]);
  });
});

describe("resources", () => {
  it.each(cases.map((c) => [name(c), c] as const))(
    "%s: every container and init container has the values' requests and limits",
    (_, c) => {
      for (const workload of workloads(manifestsOf(c))) {
        const expected = expectedResources(c.values, componentOf(workload));
        for (const container of allContainers(workload)) {
          expect(container.resources, `${workload.metadata.name}/${container.name}`).toEqual(expected);
        }
      }
    },
  );
});

describe("node-local disk", () => {
  it.each(cases.map((c) => [name(c), c] as const))(
    "%s: every emptyDir has a sizeLimit, and the pod's ephemeral-storage limit holds them and the logs",
    (_, c) => {
      for (const workload of workloads(manifestsOf(c))) {
        const { spec } = podTemplate(workload);
        const where = workload.metadata.name;
        const emptyDirs = (spec.volumes ?? []).filter((v) => v.emptyDir);
        for (const v of emptyDirs)
          expect(v.emptyDir?.sizeLimit, `${where}: emptyDir ${v.name}`).toMatch(/^[1-9][0-9]*(Mi|Gi)$/);
        // Past a sizeLimit, or past the pod's limit (its containers' limits summed), the kubelet evicts
        // the pod: scratch on the node's disk and the logs must fit the limit, or eviction comes first.
        const onDisk = emptyDirs
          .filter((v) => v.emptyDir?.medium !== "Memory")
          .reduce((sum, v) => sum + parseBytes(v.emptyDir!.sizeLimit!), 0);
        const limit = spec.containers.reduce(
          (sum, container) => sum + parseBytes(container.resources!.limits!["ephemeral-storage"]!),
          0,
        );
        expect(onDisk + LOG_ROOM_BYTES * spec.containers.length, where).toBeLessThanOrEqual(limit);
      }
    },
  );
});

describe("restricted Pod Security", () => {
  it.each(cases.map((c) => [name(c), c] as const))("%s: every pod and container", (_, c) => {
    for (const workload of workloads(manifestsOf(c))) {
      const { spec } = podTemplate(workload);
      const where = workload.metadata.name;
      expect(spec.serviceAccountName, where).toBe(c.values.serviceAccountName);
      expect(spec.automountServiceAccountToken, where).toBe(false);
      expect(spec.securityContext, where).toMatchObject({
        runAsNonRoot: true,
        seccompProfile: { type: "RuntimeDefault" },
      });
      expect(spec.securityContext?.runAsUser, where).toBeGreaterThan(0);
      for (const keyName of ["hostNetwork", "hostPID", "hostIPC"]) expect(spec, where).not.toHaveProperty(keyName);
      for (const volume of spec.volumes ?? []) {
        const types = Object.keys(volume).filter((k) => k !== "name");
        expect(types, `${where} volume ${volume.name}`).toEqual([
          expect.stringMatching(/^(configMap|emptyDir|persistentVolumeClaim|secret)$/),
        ]);
      }
      for (const container of allContainers(workload)) {
        expect(container.securityContext, `${where}/${container.name}`).toEqual({
          runAsNonRoot: true,
          allowPrivilegeEscalation: false,
          readOnlyRootFilesystem: true,
          capabilities: { drop: ["ALL"] },
          seccompProfile: { type: "RuntimeDefault" },
        });
      }
    }
  });
});

describe("labels and selectors", () => {
  it.each(cases.map((c) => [name(c), c] as const))(
    "%s: narrow selectors that the NetworkPolicies and Services match",
    (_, c) => {
      const manifests = manifestsOf(c);
      const podLabels = workloads(manifests).map((w) => ({
        component: componentOf(w),
        labels: podTemplate(w).metadata.labels,
      }));
      for (const workload of workloads(manifests)) {
        const labels = podTemplate(workload).metadata.labels;
        expect(COMPONENTS, workload.metadata.name).toContain(labels[LABEL.component]);
        expect(labels[LABEL.instance]).toBe("sei");
        expect(labels[LABEL.name]).toBe("sei");
        // Tier and phase label objects, never pods: a phase change alone restarts nothing.
        expect(Object.keys(labels).filter((k) => k.startsWith("sei.mg.gov.br/"))).toEqual([]);
        if (workload.kind === "Job") continue;
        const selector = (workload.spec as { selector: { matchLabels: Record<string, string> } }).selector.matchLabels;
        expect(Object.keys(selector).sort()).toEqual([LABEL.component, LABEL.instance, LABEL.name].sort());
        expect(labels).toMatchObject(selector);
      }
      expect(new Set(podLabels.map((p) => p.component)).size).toBe(podLabels.length);
      for (const service of manifests.filter((m) => m.kind === "Service")) {
        const selector = (service.spec as { selector: Record<string, string> }).selector;
        expect(Object.keys(selector).sort()).toEqual([LABEL.component, LABEL.instance, LABEL.name].sort());
        const matched = podLabels.filter((p) => Object.entries(selector).every(([k, v]) => p.labels[k] === v));
        expect(
          matched.map((m) => m.component),
          service.metadata.name,
        ).toHaveLength(1);
      }
      for (const m of manifests) {
        expect(m.metadata.labels, `${m.kind}/${m.metadata.name}`).toMatchObject({
          "sei.mg.gov.br/municipality": c.values.municipality.name,
          "sei.mg.gov.br/tier": c.tier,
          "sei.mg.gov.br/phase": c.phase,
        });
        expect(m.metadata.name.length).toBeLessThanOrEqual(63);
      }
    },
  );
});

describe("app", () => {
  it.each(cases.map((c) => [name(c), c] as const))(
    "%s: replicas, autoscaler, disruption budget, rolling update",
    (_, c) => {
      const manifests = manifestsOf(c);
      const app = get(manifests, "Deployment", "sei-app");
      const spec = app.spec as { replicas?: number; strategy: unknown; selector: unknown };
      const { autoscaling, podDisruptionBudget } = c.values.app;
      const hpa = find(manifests, "HorizontalPodAutoscaler", "sei-app");
      if (autoscaling.enabled) {
        expect(spec).not.toHaveProperty("replicas");
        expect(hpa?.spec).toMatchObject({
          scaleTargetRef: { apiVersion: "apps/v1", kind: "Deployment", name: "sei-app" },
          minReplicas: autoscaling.minReplicas,
          maxReplicas: autoscaling.maxReplicas,
          metrics: [
            {
              type: "Resource",
              resource: {
                name: "cpu",
                target: { type: "Utilization", averageUtilization: autoscaling.targetCpuPercent },
              },
            },
          ],
        });
      } else {
        expect(spec.replicas).toBe(c.values.app.replicas);
        expect(hpa).toBeUndefined();
      }
      const pdb = find(manifests, "PodDisruptionBudget", "sei-app");
      if (podDisruptionBudget.enabled) {
        expect(pdb?.spec).toMatchObject({ minAvailable: podDisruptionBudget.minAvailable, selector: spec.selector });
      } else {
        expect(pdb).toBeUndefined();
      }
      expect(spec.strategy).toEqual({ type: "RollingUpdate", rollingUpdate: { maxSurge: 1, maxUnavailable: 0 } });

      const container = podTemplate(app).spec.containers[0]!;
      // Pinned by digest: the very reference the Terraform-made pods get (core/resolve/images.ts).
      expect(container.image).toBe(imageReference(c.values.app.image));
      expect(container.image).toMatch(/^[^@]+:5\.1\.0@sha256:[0-9a-f]{64}$/);
      expect(container).toMatchObject({ ports: [{ name: "http", containerPort: c.values.app.port }] });
      // Startup and readiness look for SIP's login form (docs/images.md); liveness is the port only.
      for (const probe of [container.startupProbe, container.readinessProbe]) {
        const script = probe?.exec?.command.join(" ") ?? "";
        expect(script).toContain(
          `http://127.0.0.1:${c.values.app.port}${LOGIN_FORM.path}?sigla_orgao_sistema=\${APP_ORGAO}&sigla_sistema=SEI`,
        );
        expect(script).toContain(`grep -q '${LOGIN_FORM.marker}'`);
      }
      expect(container).toHaveProperty("livenessProbe.tcpSocket.port", "http");
    },
  );

  it("autoscales and keeps a disruption budget in production only where the tier says so", () => {
    const metropole = cases.find((c) => c.tier === "metropole" && c.phase === "production")!;
    expect(find(manifestsOf(metropole), "HorizontalPodAutoscaler", "sei-app")).toBeDefined();
    expect(find(manifestsOf(metropole), "PodDisruptionBudget", "sei-app")).toBeDefined();
    const small = cases.find((c) => c.tier === "pequeno-i" && c.phase === "production")!;
    expect(find(manifestsOf(small), "HorizontalPodAutoscaler", "sei-app")).toBeUndefined();
    expect(find(manifestsOf(small), "PodDisruptionBudget", "sei-app")).toBeUndefined();
  });
});

describe("a cluster without a directory", () => {
  // The plan's null deletes values.yaml's example directory (Helm drops a null key when it merges values), and
  // the schema must still accept the release: this is the e2e cluster's platform and any cluster before go-live.
  it("renders, with no directory variable, CA or bind Secret", async () => {
    const platform = examplePlatform((spec) => ({
      ...spec,
      clusters: spec.clusters.map(({ directory: _, ...cluster }) => cluster),
    }));
    const values = examplePlan({ tier: "pequeno-i", phase: "production" }, platform).release!.values;
    expect(values.directory).toBeNull();
    const manifests = await helmTemplate(values);
    // Every env entry of every container, as `NAME` or `NAME<-secret>` for a Secret reference.
    const env = JSON.stringify(manifests).match(
      /"name":"[A-Z_]+"(,"value(From)?":\{"secretKeyRef":\{"name":"[^"]+")?/g,
    );
    expect(env?.filter((e) => /APP_DIRECTORY|LDAPTLS_CACERT|sei-directory/.test(e)) ?? []).toEqual([]);
    expect(env?.length).toBeGreaterThan(20); // the pattern does find env entries
    expect(manifests.filter((m) => m.kind === "ConfigMap").map((m) => m.metadata.name)).not.toContain(
      "sei-directory-ca",
    );
  });
});

describe("environment", () => {
  it.each(cases.map((c) => [name(c), c] as const))(
    "%s: APP_* settings from the ConfigMap, secrets by reference only",
    (_, c) => {
      const manifests = manifestsOf(c);
      const config = get(manifests, "ConfigMap", "sei-env").data!;
      expect(Object.keys(config).sort()).toEqual([...CONFIG_NAMES].sort());
      expect(config).toMatchObject({
        APP_PROTOCOLO: "https",
        APP_HOST: c.values.host,
        APP_ORGAO: "EXEMPLO",
        APP_ORGAO_DESCRICAO: "Prefeitura Municipal de Uberlândia",
        APP_DB_TIPO: "MySql",
        APP_DB_HOST: c.plan.database.serviceName,
        APP_DB_PORTA: String(c.plan.database.port),
        APP_DB_SEI_BASE: c.plan.database.seiDatabase,
        APP_DB_SEI_USERNAME: c.plan.database.seiUser,
        APP_DB_SIP_BASE: c.plan.database.sipDatabase,
        APP_DB_SIP_USERNAME: c.plan.database.sipUser,
        APP_DB_ROOT_USERNAME: c.plan.database.adminUser,
        APP_NOMECOMPLEMENTO: "Uberlândia",
        // Credentials reach Solr as SOLR_USERNAME/SOLR_PASSWORD (ConfiguracaoSEI Solr Usuario/Senha), never in the URL.
        APP_SOLR_URL: `http://sei-solr:${c.values.solr.port}/solr`,
        APP_SOLR_CORE_PROTOCOLOS: SOLR_CORES[0],
        APP_SOLR_CORE_BASECONHECIMENTO: SOLR_CORES[1],
        APP_SOLR_CORE_PUBLICACOES: SOLR_CORES[2],
        APP_SOLR_TEMPO_COMMIT_PROTOCOLOS: "300",
        APP_SOLR_TEMPO_COMMIT_BASECONHECIMENTO: "60",
        APP_SOLR_TEMPO_COMMIT_PUBLICACOES: "60",
        APP_MEMCACHED_HOST: FIXED_SERVICE_NAMES.memcached,
        // Sticky sessions exactly where PHP's sessions are not in memcached.
        APP_MEMCACHED_SESSION: String(!c.values.ingress.stickySessions),
        APP_MAIL_TIPO: "2",
        APP_MAIL_SERVIDOR: platform.spec.mail.host,
        APP_MAIL_PORTA: String(platform.spec.mail.port),
        APP_MAIL_SEGURANCA: platform.spec.mail.security,
        APP_MAIL_USUARIO: "",
      });

      const db = SECRET_NAMES.database;
      const app = c.values.secrets.appSecretName;
      const secretRefs: Record<string, { name: string; key: string }> = {
        APP_DB_SEI_PASSWORD: { name: db, key: SECRET_KEYS.database.seiPassword },
        APP_DB_SIP_PASSWORD: { name: db, key: SECRET_KEYS.database.sipPassword },
        APP_SEI_CHAVE_ACESSO: { name: app, key: SECRET_KEYS.app.seiAccessKey },
        APP_SIP_CHAVE_ACESSO: { name: app, key: SECRET_KEYS.app.sipAccessKey },
        // The user too: a rotation (spec.rotation.solrPassword) gives SEI a new one without restarting Solr.
        SOLR_USERNAME: { name: app, key: SECRET_KEYS.app.solrUsername },
        SOLR_PASSWORD: { name: app, key: SECRET_KEYS.app.solrPassword },
      };
      const seiWorkloads = workloads(manifests).filter((w) => ["app", "scheduler", "updater"].includes(componentOf(w)));
      expect(seiWorkloads.length).toBeGreaterThanOrEqual(2);
      for (const workload of seiWorkloads) {
        const container = podTemplate(workload).spec.containers[0]!;
        const where = workload.metadata.name;
        for (const [envName, ref] of Object.entries(secretRefs)) {
          expect(envOf(container, envName), `${where} ${envName}`).toEqual({
            name: envName,
            valueFrom: { secretKeyRef: ref },
          });
        }
        const rootPassword = envOf(container, "APP_DB_ROOT_PASSWORD");
        if (componentOf(workload) === "updater") {
          expect(rootPassword?.valueFrom?.secretKeyRef).toEqual({ name: db, key: SECRET_KEYS.database.rootPassword });
          // A hook runs before the ConfigMap exists: the same settings are inline.
          for (const [key, value] of Object.entries(config))
            expect(envOf(container, key)?.value, `${where} ${key}`).toBe(value);
        } else {
          expect(rootPassword, `${where} must not get the database root password`).toBeUndefined();
          expect(container.envFrom).toEqual([{ configMapRef: { name: "sei-env" } }]);
        }
      }
      for (const workload of workloads(manifests)) {
        for (const container of allContainers(workload)) {
          for (const entry of container.env ?? []) {
            if (/PASSWORD|CHAVE/.test(entry.name))
              expect(entry, `${workload.metadata.name} ${entry.name}`).not.toHaveProperty("value");
          }
        }
      }
    },
  );

  // SECRET_KEYS (core/naming.ts) names the keys Terraform generates; the chart must read those and no others.
  it.each(running.map((c) => [name(c), c] as const))(
    "%s: reads exactly the Secret keys Terraform generates",
    (_, c) => {
      // The backup's password is for the pods Terraform makes (database, backup), never the chart's.
      const chartDatabaseKeys = Object.fromEntries(
        Object.entries(SECRET_KEYS.database).filter(([id]) => id !== "backupPassword"),
      );
      const generated = new Map<string, readonly string[]>([
        [SECRET_NAMES.database, Object.values(chartDatabaseKeys)],
        // Solr's init container also reads the user a rotation keeps (optional: only from the first one on), so
        // the chart reads every user name; the previous password is for the rotation Jobs alone.
        [c.values.secrets.appSecretName, [...new Set([...Object.values(SECRET_KEYS.app), ...USER_NAME_KEYS])]],
        // Not generated: Terraform's copy of the directory's bind account.
        ...(c.plan.directory ? [[SECRET_NAMES.directory, Object.values(SECRET_KEYS.directory)] as const] : []),
      ]);
      const read = new Map<string, Set<string>>();
      for (const workload of workloads(manifestsOf(c))) {
        for (const container of allContainers(workload)) {
          for (const entry of container.env ?? []) {
            const ref = entry.valueFrom?.secretKeyRef;
            if (ref) read.set(ref.name, (read.get(ref.name) ?? new Set<string>()).add(ref.key));
          }
        }
      }
      expect([...read.keys()].sort()).toEqual([...generated.keys()].sort());
      for (const [secret, keys] of generated) expect([...read.get(secret)!].sort(), secret).toEqual([...keys].sort());
    },
  );
});

describe("scheduler", () => {
  it.each(running.map((c) => [name(c), c] as const))(
    "%s: exactly one replica, never two at once, sharing the documents",
    (_, c) => {
      const scheduler = get(manifestsOf(c), "Deployment", "sei-scheduler");
      expect(scheduler.spec).toMatchObject({ replicas: 1, strategy: { type: "Recreate" } });
      const { spec } = podTemplate(scheduler);
      expect(spec.volumes).toContainEqual({
        name: "documents",
        persistentVolumeClaim: { claimName: c.values.documents.existingClaim },
      });
      expect(spec.containers[0]!.volumeMounts).toContainEqual({
        name: "documents",
        mountPath: c.values.documents.mountPath,
      });
      expect(spec.containers[0]!.image).toBe(imageReference(c.values.app.image));
    },
  );

  it("the app mounts the same ReadWriteMany documents claim", () => {
    for (const c of running) {
      const { spec } = podTemplate(get(manifestsOf(c), "Deployment", "sei-app"));
      expect(spec.volumes).toContainEqual({
        name: "documents",
        persistentVolumeClaim: { claimName: c.values.documents.existingClaim },
      });
      expect(spec.containers[0]!.volumeMounts).toContainEqual({
        name: "documents",
        mountPath: c.values.documents.mountPath,
      });
    }
  });

  it("app, scheduler and updater share SEI's temp folder, the ReadWriteMany claim the plan names, so an upload's second request finds its file on any replica", () => {
    for (const c of running) {
      expect(c.values.temp).toEqual({ existingClaim: "sei-temp", mountPath: "/opt/sei/temp" });
      const manifests = manifestsOf(c);
      for (const [kind, workload] of [
        ["Deployment", "sei-app"],
        ["Deployment", "sei-scheduler"],
        ["Job", "sei-updater"],
      ] as const) {
        const { spec } = podTemplate(get(manifests, kind, workload));
        expect(spec.volumes, workload).toContainEqual({
          name: "sei-temp",
          persistentVolumeClaim: { claimName: c.values.temp.existingClaim },
        });
        expect(spec.containers[0]!.volumeMounts, workload).toContainEqual({
          name: "sei-temp",
          mountPath: c.values.temp.mountPath,
        });
      }
    }
  });
});

describe("database password rotation", () => {
  const ANNOTATION = "sei.mg.gov.br/database-password-generation";
  const annotationsOf = (manifests: Manifest[], kind: string, workload: string) =>
    (podTemplate(get(manifests, kind, workload)).metadata as { annotations?: Record<string, string> }).annotations ??
    {};

  it("a raised generation annotates the app's and the scheduler's pods, so the release rolls them onto the new Secret", async () => {
    const values = examplePlan({ tier: "medio", phase: "production", rotation: { databasePasswords: 2 } }).release!
      .values;
    const manifests = await helmTemplate(values);
    expect(annotationsOf(manifests, "Deployment", "sei-app")[ANNOTATION]).toBe("2");
    expect(annotationsOf(manifests, "Deployment", "sei-scheduler")[ANNOTATION]).toBe("2");
  });

  it("generation 0 adds no annotation: an instance never rotated keeps its pods", () => {
    const c = cases.find((x) => x.tier === "medio" && x.phase === "production")!;
    for (const workload of workloads(manifestsOf(c)))
      expect(Object.keys(podTemplate(workload).metadata.annotations ?? {})).not.toContain(ANNOTATION);
  });
});

describe("Solr password rotation", () => {
  const ANNOTATION = "sei.mg.gov.br/solr-password-generation";

  it("a raised generation rolls the app and the scheduler, never Solr: its pod reads the user from the Secret", async () => {
    const values = (solrPassword?: number) =>
      examplePlan({ tier: "medio", phase: "production", ...(solrPassword ? { rotation: { solrPassword } } : {}) })
        .release!.values;
    const [before, rotated] = await Promise.all([helmTemplate(values()), helmTemplate(values(2))]);
    for (const workload of ["sei-app", "sei-scheduler"]) {
      expect(podTemplate(get(rotated, "Deployment", workload)).metadata.annotations?.[ANNOTATION]).toBe("2");
      expect(Object.keys(podTemplate(get(before, "Deployment", workload)).metadata.annotations ?? {})).not.toContain(
        ANNOTATION,
      );
    }
    // An unchanged pod template: Solr keeps running, and the rotation's Jobs move its users through its API.
    expect(podTemplate(get(rotated, "StatefulSet", "sei-solr"))).toEqual(
      podTemplate(get(before, "StatefulSet", "sei-solr")),
    );
  });
});

describe("access keys rotation", () => {
  it("a raised generation rolls the app and the scheduler onto the Secret's new keys; none before the first", async () => {
    const ANNOTATION = "sei.mg.gov.br/access-key-generation";
    const values = (accessKeys?: number) =>
      examplePlan({ tier: "medio", phase: "production", ...(accessKeys ? { rotation: { accessKeys } } : {}) }).release!
        .values;
    const [before, rotated] = await Promise.all([helmTemplate(values()), helmTemplate(values(3))]);
    for (const workload of ["sei-app", "sei-scheduler"]) {
      expect(podTemplate(get(rotated, "Deployment", workload)).metadata.annotations?.[ANNOTATION]).toBe("3");
      expect(Object.keys(podTemplate(get(before, "Deployment", workload)).metadata.annotations ?? {})).not.toContain(
        ANNOTATION,
      );
    }
  });
});

describe("SMTP authentication", () => {
  it("with an account, every SEI workload gets its user and its password from the Secret named, by reference", async () => {
    const passwordSecret = { namespace: "sei-platform", name: "sei-smtp", key: "password" };
    const platform = examplePlatform((spec) => ({
      ...spec,
      mail: { ...spec.mail, authentication: { username: "sei-exemplo", passwordSecret } },
    }));
    const manifests = await helmTemplate(examplePlan({ tier: "medio", phase: "production" }, platform).release!.values);
    const config = get(manifests, "ConfigMap", "sei-env").data!;
    expect(config.APP_MAIL_USUARIO).toBe("sei-exemplo");
    const seiWorkloads = workloads(manifests).filter((w) => ["app", "scheduler", "updater"].includes(componentOf(w)));
    expect(seiWorkloads.map((w) => w.metadata.name).sort()).toEqual(["sei-app", "sei-scheduler", "sei-updater"]);
    for (const workload of seiWorkloads) {
      const container = podTemplate(workload).spec.containers[0]!;
      expect(envOf(container, "APP_MAIL_SENHA"), workload.metadata.name).toEqual({
        name: "APP_MAIL_SENHA",
        // The namespace's copy of the platform's Secret (secrets.mail), under the platform's key.
        valueFrom: { secretKeyRef: { name: SECRET_NAMES.mail, key: "password" } },
      });
    }
    // The updater's inline environment carries the user too (a hook runs before the ConfigMap exists).
    expect(envOf(podTemplate(get(manifests, "Job", "sei-updater")).spec.containers[0]!, "APP_MAIL_USUARIO")).toEqual({
      name: "APP_MAIL_USUARIO",
      value: "sei-exemplo",
    });
  });

  it("without one, no workload asks for a mail password", () => {
    const c = cases.find((x) => x.tier === "medio" && x.phase === "production")!;
    for (const workload of workloads(manifestsOf(c))) {
      for (const container of podTemplate(workload).spec.containers)
        expect(envOf(container, "APP_MAIL_SENHA")).toBeUndefined();
    }
  });
});

describe("updater", () => {
  it.each(running.map((c) => [name(c), c] as const))("%s: a pre-install/pre-upgrade hook Job", (_, c) => {
    const job = get(manifestsOf(c), "Job", "sei-updater");
    expect(job.metadata.annotations).toMatchObject({
      "helm.sh/hook": "pre-install,pre-upgrade",
      "helm.sh/hook-weight": expect.stringMatching(/^-?\d+$/),
      "helm.sh/hook-delete-policy": "before-hook-creation",
    });
    const spec = job.spec as {
      backoffLimit: number;
      podFailurePolicy: unknown;
      activeDeadlineSeconds: number;
      template: { spec: { restartPolicy: string } };
    };
    expect(spec.activeDeadlineSeconds).toBe(c.values.updater.activeDeadlineSeconds);
    // Never a second run over a half-done migration, unless the pod was taken away (a drain).
    expect(spec.backoffLimit).toBe(0);
    expect(spec.podFailurePolicy).toEqual({
      rules: [{ action: "Ignore", onPodConditions: [{ type: "DisruptionTarget" }] }],
    });
    expect(spec.template.spec.restartPolicy).toBe("Never");
    expect(spec).not.toHaveProperty("ttlSecondsAfterFinished");
  });

  it("runs SIP's update, then SEI's resources, then SEI's update (the public entrypoint's order)", () => {
    const job = get(manifestsOf(running[0]!), "Job", "sei-updater");
    const script = podTemplate(job).spec.containers[0]!.command!.at(-1)!;
    const runs = [...script.matchAll(/^run "\$(\w+)"$/gm)].map((m) => m[1]);
    expect(runs).toEqual(["SIP_UPDATE", "SEI_RESOURCES", "SEI_UPDATE"]);
    expect(script).toContain("SEI_RESOURCES=${SEI_RESOURCES:-/opt/sip/scripts/atualizar_recursos_sei.php}");
  });
});

describe("bootstrap", () => {
  it.each(running.map((c) => [name(c), c] as const))(
    "%s: a hook Job before the updater, its scripts in a hook ConfigMap before it",
    (_, c) => {
      const manifests = manifestsOf(c);
      const job = get(manifests, "Job", "sei-bootstrap");
      const scripts = get(manifests, "ConfigMap", "sei-bootstrap");
      const updater = get(manifests, "Job", "sei-updater");
      const weight = (m: Manifest) => Number(m.metadata.annotations?.["helm.sh/hook-weight"]);
      for (const hook of [job, scripts]) {
        expect(hook.metadata.annotations).toMatchObject({
          "helm.sh/hook": "pre-install,pre-upgrade",
          "helm.sh/hook-delete-policy": "before-hook-creation",
        });
      }
      expect(weight(scripts)).toBeLessThan(weight(job));
      expect(weight(job)).toBeLessThan(weight(updater));
      expect((job.spec as { activeDeadlineSeconds: number }).activeDeadlineSeconds).toBe(
        c.values.bootstrap.activeDeadlineSeconds,
      );
      // The chart's files, byte for byte: the tests run these very scripts against MariaDB.
      expect((scripts as { data: Record<string, string> }).data).toEqual({
        "bootstrap.sh": readFileSync("charts/sei/files/bootstrap/bootstrap.sh", "utf8"),
        "first-install.php": readFileSync("charts/sei/files/bootstrap/first-install.php", "utf8"),
      });
      const { spec } = podTemplate(job);
      const container = spec.containers[0]!;
      expect(container.image).toBe(imageReference(c.values.bootstrap.image));
      expect(container.command).toEqual(["bash", "/opt/sei-bootstrap/bin/bootstrap.sh"]);
      expect(spec.securityContext?.runAsUser).toBe(IMAGES.bootstrap.uid);
      // Exactly the bootstrap image's variables (docs/images.md), secrets by reference only.
      expect((container.env ?? []).map((e) => e.name).sort()).toEqual([...BOOTSTRAP_ENV].sort());
      const config = get(manifests, "ConfigMap", "sei-env").data!;
      const { directory, firstAdministrator } = c.plan;
      const own: Record<string, string | undefined> = {
        APP_DIRECTORY_URL: directory?.url,
        APP_DIRECTORY_TYPE: directory?.type,
        APP_DIRECTORY_PORT: directory ? String(directory.port) : undefined,
        APP_DIRECTORY_SEARCH_BASE: directory?.searchBase,
        APP_DIRECTORY_LOGIN_ATTRIBUTE: directory?.loginAttribute,
        APP_ADMIN_LOGIN: firstAdministrator?.login,
        APP_ADMIN_NAME: firstAdministrator?.name,
        APP_ADMIN_EMAIL: firstAdministrator?.email,
      };
      for (const entry of container.env ?? []) {
        if (entry.valueFrom) expect(entry.name).toMatch(/PASSWORD|CHAVE|BIND_DN/);
        else expect(entry.value, entry.name).toBe(own[entry.name] ?? config[entry.name]);
      }
    },
  );

  it("is not rendered for a suspended instance", () => {
    const suspended = cases.find((c) => c.phase === "suspended")!;
    expect(find(manifestsOf(suspended), "Job", "sei-bootstrap")).toBeUndefined();
    expect(find(manifestsOf(suspended), "ConfigMap", "sei-bootstrap")).toBeUndefined();
  });
});

describe("Solr", () => {
  it.each(running.map((c) => [name(c), c] as const))("%s: its own Terraform claim, heap, cores, auth", (_, c) => {
    const manifests = manifestsOf(c);
    const solr = get(manifests, "StatefulSet", "sei-solr");
    expect(solr.spec).toMatchObject({ replicas: c.values.solr.replicas, serviceName: "sei-solr-headless" });
    expect(solr.spec).not.toHaveProperty("volumeClaimTemplates");
    const { spec } = podTemplate(solr);
    expect(spec.volumes).toContainEqual({
      name: "data",
      persistentVolumeClaim: { claimName: c.values.solr.data.existingClaim },
    });
    const main = spec.containers[0]!;
    // The tier file's heap, in MiB as Solr's start script takes it.
    const tierFile = parse(readFileSync(`tiers/${c.tier}.yaml`, "utf8")) as { spec: { solr: { heap: string } } };
    expect(envOf(main, "SOLR_HEAP")?.value).toBe(`${parseBytes(tierFile.spec.solr.heap) / 2 ** 20}m`);
    const init = spec.initContainers![0]!;
    expect(envOf(init, "SEI_SOLR_CORES")?.value).toBe("sei-protocolos sei-bases-conhecimento sei-publicacoes");
    expect(envOf(init, "SOLR_PASSWORD")?.valueFrom?.secretKeyRef).toEqual({
      name: c.values.secrets.appSecretName,
      key: SECRET_KEYS.app.solrPassword,
    });
    // The user from the Secret: a rotation changes it without changing (so restarting) the StatefulSet.
    expect(envOf(init, "SOLR_USERNAME")?.valueFrom?.secretKeyRef).toEqual({
      name: c.values.secrets.appSecretName,
      key: SECRET_KEYS.app.solrUsername,
    });
    expect(envOf(init, "SOLR_PREVIOUS_USERNAME")?.valueFrom?.secretKeyRef).toEqual({
      name: c.values.secrets.appSecretName,
      key: SECRET_KEYS.solrRotation.previousUsername,
      optional: true,
    });
    expect(get(manifests, "Service", "sei-solr-headless").spec).toMatchObject({ clusterIP: "None" });
    expect(get(manifests, "Service", "sei-solr").spec).toMatchObject({ ports: [{ port: c.values.solr.port }] });
  });
});

describe("memcached and JOD", () => {
  it.each(cases.map((c) => [name(c), c] as const))("%s: cache size, JOD only where enabled, one pod each", (_, c) => {
    const manifests = manifestsOf(c);
    const memcached = get(manifests, "Deployment", "sei-memcached");
    expect(memcached.spec).toMatchObject({ replicas: c.values.memcached.replicas, strategy: { type: "Recreate" } });
    const args = podTemplate(memcached).spec.containers[0]!.args!;
    expect(args[args.indexOf("-m") + 1]).toBe(String(c.values.memcached.cacheMegabytes));
    const jod = find(manifests, "Deployment", "sei-jod");
    if (c.values.jod.enabled) {
      expect(jod?.spec).toMatchObject({ replicas: c.values.jod.replicas, strategy: { type: "Recreate" } });
      // The fixed name SEI 5 calls (docs/images.md, "Fixed names").
      expect(get(manifests, "Service", FIXED_SERVICE_NAMES.jod).spec).toMatchObject({ ports: [{ port: 8080 }] });
    } else {
      expect(jod).toBeUndefined();
      expect(find(manifests, "Service", FIXED_SERVICE_NAMES.jod)).toBeUndefined();
    }
    expect(get(manifests, "Service", FIXED_SERVICE_NAMES.memcached).spec).toMatchObject({ ports: [{ port: 11211 }] });
    expect(find(manifests, "Service", "sei-memcached")).toBeUndefined();
  });
});

describe("Ingress", () => {
  it.each(cases.map((c) => [name(c), c] as const))(
    "%s: TLS, 510m bodies, affinity only without memcached sessions",
    (_, c) => {
      const ingress = get(manifestsOf(c), "Ingress", "sei-app");
      const annotations = ingress.metadata.annotations!;
      expect(annotations["nginx.ingress.kubernetes.io/proxy-body-size"]).toBe(c.values.ingress.bodySize);
      expect(c.values.ingress.bodySize).toBe("510m");
      expect(annotations["cert-manager.io/cluster-issuer"]).toBe(c.values.ingress.clusterIssuer);
      const affinity = Object.keys(annotations).filter((k) => /affinity|session-cookie/.test(k));
      if (c.values.ingress.stickySessions) {
        expect(annotations).toMatchObject({
          "nginx.ingress.kubernetes.io/affinity": "cookie",
          "nginx.ingress.kubernetes.io/session-cookie-path": "/",
        });
      } else {
        expect(affinity).toEqual([]);
      }
      const sessions = get(manifestsOf(c), "ConfigMap", "sei-env").data!.APP_MEMCACHED_SESSION;
      expect(c.values.ingress.stickySessions).toBe(sessions === "false");
      expect(ingress.spec).toMatchObject({
        ingressClassName: c.values.ingress.className,
        tls: [{ hosts: [c.values.host], secretName: c.values.ingress.tlsSecretName }],
      });
      const rules = (
        ingress.spec as {
          rules: { host: string; http: { paths: { path: string; pathType: string; backend: unknown }[] } }[];
        }
      ).rules;
      expect(rules).toHaveLength(1);
      expect(rules[0]!.host).toBe(c.values.host);
      expect(rules[0]!.http.paths.map((p) => p.path)).toEqual(["/sei", "/sip", "/infra_css", "/infra_js"]);
      for (const p of rules[0]!.http.paths) {
        expect(p).toMatchObject({
          pathType: "Prefix",
          backend: { service: { name: "sei-app", port: { name: "http" } } },
        });
      }
    },
  );

  it("sticky sessions on the small tier, none where sessions are in memcached", () => {
    const affinity = (tier: string) =>
      get(manifestsOf(cases.find((c) => c.tier === tier && c.phase === "production")!), "Ingress", "sei-app").metadata
        .annotations!["nginx.ingress.kubernetes.io/affinity"];
    expect(affinity("pequeno-i")).toBe("cookie");
    expect(affinity("metropole")).toBeUndefined();
  });
});

describe("suspended", () => {
  it.each(suspended.map((c) => [name(c), c] as const))(
    "%s: zero pods, every object kept for a cheap restore",
    (_, c) => {
      const manifests = manifestsOf(c);
      for (const workload of manifests.filter((m) => m.kind === "Deployment" || m.kind === "StatefulSet")) {
        expect((workload.spec as { replicas?: number }).replicas, workload.metadata.name).toBe(0);
      }
      expect(
        manifests.filter((m) => ["Job", "HorizontalPodAutoscaler", "PodDisruptionBudget"].includes(m.kind)),
      ).toEqual([]);
      const training = manifestsOf(cases.find((t) => t.tier === c.tier && t.phase === "training")!);
      // Hooks (the bootstrap's scripts) are not the release's objects: Helm keeps them apart.
      const kept = (ms: Manifest[]) =>
        ms
          .filter((m) => !["Job", "HorizontalPodAutoscaler", "PodDisruptionBudget"].includes(m.kind))
          .filter((m) => !m.metadata.annotations?.["helm.sh/hook"])
          .map((m) => `${m.kind}/${m.metadata.name}`)
          .sort();
      expect(kept(manifests)).toEqual(kept(training));
    },
  );
});

describe("snapshot", () => {
  it("medio in production renders as reviewed", () => {
    expect(manifestsOf(cases.find((c) => c.tier === "medio" && c.phase === "production")!)).toMatchSnapshot();
  });
});
