/**
 * Every component the chart renders, compared with the image contract
 * (core/image-contract.ts) and the one restricted pod (core/pod-security.ts),
 * for every tier and every phase that has a release: the pod runs as its
 * image's user and group under the same security contexts the TypeScript
 * gives its own pods, listens on its image's port, writes only its image's
 * writable paths (the scratch ones with the contract's sizeLimits) and reads
 * only its image's variables. The values carry these facts; this test reads
 * what helm rendered from them.
 */
import { beforeAll, describe, expect, it } from "vitest";
import {
  BOOTSTRAP_ADMIN_ENV,
  BOOTSTRAP_DIRECTORY_ENV,
  BOOTSTRAP_ENV,
  IMAGES,
  LOGIN_FORM,
  SCRATCH_VOLUMES,
  SOLR_PROBE_PATHS,
  loginPage,
  type ImageName,
  type ScratchVolume,
} from "../../core/image-contract.ts";
import { LABEL, SECRET_KEYS, SECRET_NAMES } from "../../core/naming.ts";
import { restrictedContainerSecurityContext, restrictedPodSpec } from "../../core/pod-security.ts";
import type { InstancePlan } from "../../core/plan.ts";
import { examplePlan, examplePlatform } from "../../scripts/lib/example-plan.ts";
import {
  allContainers,
  chartRenders,
  get,
  podTemplate,
  releaseCases,
  workloads,
  type Container,
  type Manifest,
  type ReleaseCase,
} from "./support.ts";

/** The image each component's pods run. */
const IMAGE_OF: Record<string, ImageName> = {
  app: "app",
  scheduler: "app",
  updater: "app",
  bootstrap: "bootstrap",
  solr: "solr",
  memcached: "memcached",
  jod: "jod",
};

const variant = (name: string, plan: InstancePlan): ReleaseCase[] =>
  plan.release ? [{ tier: "medio", phase: "production", name, plan, values: plan.release.values }] : [];

/** Every tier in every phase that has a release, and the platform variants that change the environment. */
const cases: ReleaseCase[] = [
  ...releaseCases(),
  ...variant(
    "medio/production, a cluster without a directory",
    examplePlan(
      { tier: "medio", phase: "production" },
      examplePlatform((spec) => ({ ...spec, clusters: spec.clusters.map(({ directory: _, ...cluster }) => cluster) })),
    ),
  ),
  ...variant(
    "medio/production, an SMTP account",
    examplePlan(
      { tier: "medio", phase: "production" },
      examplePlatform((spec) => ({
        ...spec,
        mail: {
          ...spec.mail,
          authentication: {
            username: "sei-exemplo",
            passwordSecret: { namespace: "sei-platform", name: "sei-smtp", key: "password" },
          },
        },
      })),
    ),
  ),
];
const { render, manifestsOf } = chartRenders(cases);
beforeAll(render, 900_000);

const imageOf = (workload: Manifest): ImageName => {
  const component = podTemplate(workload).metadata.labels[LABEL.component]!;
  const image = IMAGE_OF[component];
  if (!image) throw new Error(`${workload.metadata.name}: component ${component} has no image in IMAGE_OF`);
  return image;
};
const envNames = (container: Container) => (container.env ?? []).map((e) => e.name);
/** A path the image may write: one of its writable paths, or inside one. */
const writableIn = (image: ImageName, path: string) =>
  IMAGES[image].writablePaths.some((w) => path === w || path.startsWith(`${w}/`));

describe.each(cases.map((c) => [c.name, c] as const))("%s", (_, c) => {
  it("every pod runs as its image's user and group, with the restricted pod and containers of core/pod-security.ts", () => {
    expect(workloads(manifestsOf(c)).length).toBeGreaterThanOrEqual(4);
    for (const workload of workloads(manifestsOf(c))) {
      const image = imageOf(workload);
      const spec = podTemplate(workload).spec as unknown as Record<string, unknown>;
      const expected = restrictedPodSpec({
        serviceAccountName: c.values.serviceAccountName,
        imagePullSecrets: c.values.imagePullSecrets.map((s) => s.name),
        user: IMAGES[image],
      });
      // The chart leaves out an empty pull-secret list.
      const rendered = { ...spec, imagePullSecrets: spec.imagePullSecrets ?? [] } as Record<string, unknown>;
      expect(
        Object.fromEntries(Object.keys(expected).map((key) => [key, rendered[key]])),
        workload.metadata.name,
      ).toEqual(expected);
      for (const container of allContainers(workload))
        expect(container.securityContext, `${workload.metadata.name}/${container.name}`).toEqual(
          restrictedContainerSecurityContext(),
        );
    }
  });

  it("every server listens on its image's port, and its Service sends there", () => {
    const servers: Record<string, ImageName> = {
      "sei-app": "app",
      "sei-solr": "solr",
      "sei-memcached": "memcached",
      "sei-jod": "jod",
    };
    for (const workload of workloads(manifestsOf(c))) {
      const image = servers[workload.metadata.name];
      for (const container of podTemplate(workload).spec.containers) {
        const ports = (container as { ports?: { containerPort: number }[] }).ports ?? [];
        expect(
          ports.map((p) => p.containerPort),
          `${workload.metadata.name}/${container.name}`,
        ).toEqual(image ? [IMAGES[image].port] : []);
      }
    }
    for (const service of manifestsOf(c).filter((m) => m.kind === "Service")) {
      const selector = (service.spec as { selector: Record<string, string> }).selector;
      const image = IMAGE_OF[selector[LABEL.component]!]!;
      const [port] = (service.spec as { ports: { port: number }[] }).ports;
      expect(port!.port, service.metadata.name).toBe(IMAGES[image].port);
    }
  });

  it("every container writes only its image's writable paths; the scratch ones are emptyDirs of the contract's size", () => {
    for (const workload of workloads(manifestsOf(c))) {
      const image = imageOf(workload);
      const { spec } = podTemplate(workload);
      const scratch: Record<string, ScratchVolume> =
        image in SCRATCH_VOLUMES ? SCRATCH_VOLUMES[image as keyof typeof SCRATCH_VOLUMES] : {};
      for (const container of allContainers(workload)) {
        const where = `${workload.metadata.name}/${container.name}`;
        for (const mount of (container.volumeMounts ?? []) as {
          name: string;
          mountPath: string;
          readOnly?: boolean;
        }[]) {
          if (mount.readOnly) continue;
          expect(writableIn(image, mount.mountPath), `${where} writes ${mount.mountPath}`).toBe(true);
          const emptyDir = spec.volumes?.find((v) => v.name === mount.name)?.emptyDir;
          if (!emptyDir) continue;
          const contract = Object.values(scratch).find((s) => s.mountPath === mount.mountPath);
          expect({ mountPath: mount.mountPath, sizeLimit: emptyDir.sizeLimit }, where).toEqual(contract);
        }
      }
    }
  });

  it("the long-running servers and the first install get every writable path of their image", () => {
    for (const [kind, name] of [
      ["Deployment", "sei-app"],
      ["StatefulSet", "sei-solr"],
      ...(c.values.bootstrap.enabled ? [["Job", "sei-bootstrap"] as const] : []),
      ...(c.values.jod.enabled ? [["Deployment", "sei-jod"] as const] : []),
      ["Deployment", "sei-memcached"],
    ] as const) {
      const workload = get(manifestsOf(c), kind, name);
      const [main] = podTemplate(workload).spec.containers;
      const paths: readonly string[] = IMAGES[imageOf(workload)].writablePaths;
      const writable = ((main!.volumeMounts ?? []) as { mountPath: string; readOnly?: boolean }[])
        .filter((m) => !m.readOnly && paths.includes(m.mountPath))
        .map((m) => m.mountPath);
      expect(writable.sort(), name).toEqual([...paths].sort());
    }
  });

  it("every container reads only its image's variables; each component reads all the contract gives it", () => {
    const config = Object.keys(get(manifestsOf(c), "ConfigMap", "sei-env").data!);
    const readBy = (workload: Manifest) =>
      new Set(
        allContainers(workload).flatMap((container) => [
          ...envNames(container),
          ...(container.envFrom?.length ? config : []),
        ]),
      );
    for (const workload of workloads(manifestsOf(c))) {
      const image = imageOf(workload);
      expect(IMAGES[image].env, workload.metadata.name).toEqual(expect.arrayContaining([...readBy(workload)]));
    }
    // What this instance does not have: an SMTP account, a directory, a first administrator.
    const absent = [
      ...(c.plan.mailAuthentication ? [] : ["APP_MAIL_SENHA"]),
      ...(c.plan.directory ? [] : ["LDAPTLS_CACERT", ...BOOTSTRAP_DIRECTORY_ENV]),
      ...(c.plan.firstAdministrator ? [] : BOOTSTRAP_ADMIN_ENV),
    ];
    const all = (names: readonly string[], ...without: string[]) =>
      new Set(names.filter((name) => !absent.includes(name) && !without.includes(name)));
    // The Deployments and the StatefulSet stay in every phase; the hook Jobs only where the instance runs.
    const expected: (readonly [kind: string, name: string, env: Set<string>])[] = [
      ["Deployment", "sei-app", all(IMAGES.app.env, "APP_DB_ROOT_PASSWORD")],
      ["Deployment", "sei-scheduler", all(IMAGES.app.env, "APP_DB_ROOT_PASSWORD", "LDAPTLS_CACERT")],
      ["StatefulSet", "sei-solr", all(IMAGES.solr.env)],
      ["Deployment", "sei-memcached", all(IMAGES.memcached.env)],
      ...(c.values.updater.enabled
        ? ([
            ["Job", "sei-updater", all(IMAGES.app.env, "LDAPTLS_CACERT")],
            ["Job", "sei-bootstrap", all(BOOTSTRAP_ENV)],
          ] as const)
        : []),
      // The image's JAVA_TOOL_OPTIONS keeps its default.
      ...(c.values.jod.enabled ? [["Deployment", "sei-jod", all(IMAGES.jod.env, "JAVA_TOOL_OPTIONS")] as const] : []),
    ];
    for (const [kind, name, env] of expected) expect(readBy(get(manifestsOf(c), kind, name)), name).toEqual(env);
  });

  it("every probe asks what the image's contract says proves it serves", () => {
    const main = (kind: string, name: string) => podTemplate(get(manifestsOf(c), kind, name)).spec.containers[0]!;
    const app = main("Deployment", "sei-app");
    for (const probe of [app.startupProbe, app.readinessProbe]) {
      const script = probe?.exec?.command.at(-1) ?? "";
      expect(script).toContain(`http://127.0.0.1:${IMAGES.app.port}${loginPage("${APP_ORGAO}")}"`);
      expect(script).toContain(`grep -q '${LOGIN_FORM.marker}'`);
    }
    const solr = main("StatefulSet", "sei-solr");
    expect([solr.startupProbe, solr.livenessProbe, solr.readinessProbe].map((p) => p?.httpGet?.path)).toEqual([
      IMAGES.solr.probe.path,
      IMAGES.solr.probe.path,
      SOLR_PROBE_PATHS.ready,
    ]);
    // The TCP probes name the container's port, which is the image's (tested above).
    const tcpServers = [
      ["Deployment", "sei-app"],
      ["Deployment", "sei-memcached"],
      ...(c.values.jod.enabled ? [["Deployment", "sei-jod"] as const] : []),
    ] as const;
    for (const [kind, name] of tcpServers) {
      const container = main(kind, name) as Container & { ports: { name: string }[] };
      const ports = [container.startupProbe, container.readinessProbe, container.livenessProbe].flatMap((p) =>
        p?.tcpSocket ? [p.tcpSocket.port] : [],
      );
      expect(ports.length, name).toBeGreaterThan(0);
      for (const port of ports)
        expect(
          container.ports.map((p) => p.name),
          name,
        ).toContain(port);
    }
  });

  it("SEI logs in to Solr as the user Solr's init container creates: the same key of the app Secret", () => {
    const solrUser = (kind: string, name: string, containers: "containers" | "initContainers") =>
      podTemplate(get(manifestsOf(c), kind, name))
        .spec[containers]!.flatMap((container) => container.env ?? [])
        .find((e) => e.name === "SOLR_USERNAME")?.valueFrom?.secretKeyRef;
    const created = solrUser("StatefulSet", "sei-solr", "initContainers");
    expect(created).toMatchObject({ name: SECRET_NAMES.app, key: SECRET_KEYS.app.solrUsername });
    expect(solrUser("Deployment", "sei-app", "containers")).toEqual(created);
    expect(solrUser("Deployment", "sei-scheduler", "containers")).toEqual(created);
    expect(get(manifestsOf(c), "ConfigMap", "sei-env").data).not.toHaveProperty("SOLR_USERNAME");
  });
});
