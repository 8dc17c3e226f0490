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
  BOOTSTRAP_ENV,
  IMAGES,
  SCRATCH_VOLUMES,
  UPDATER_ENV,
  type ImageName,
  type ScratchVolume,
} from "../../core/image-contract.ts";
import { LABEL } from "../../core/naming.ts";
import { restrictedContainerSecurityContext, restrictedPodSpec } from "../../core/pod-security.ts";
import {
  allContainers,
  chartRenders,
  get,
  podTemplate,
  releaseCases,
  workloads,
  type Container,
  type Manifest,
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

const cases = releaseCases();
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

  it("every container reads only its image's variables; the SEI images and the first install read all of theirs", () => {
    const config = Object.keys(get(manifestsOf(c), "ConfigMap", "sei-env").data!);
    for (const workload of workloads(manifestsOf(c))) {
      const image = imageOf(workload);
      for (const container of allContainers(workload)) {
        const read = [...envNames(container), ...(container.envFrom?.length ? config : [])];
        expect(IMAGES[image].env, `${workload.metadata.name}/${container.name}`).toEqual(expect.arrayContaining(read));
      }
    }
    if (!c.values.updater.enabled) return;
    const readBy = (kind: string, name: string) => {
      const container = podTemplate(get(manifestsOf(c), kind, name)).spec.containers[0]!;
      return new Set([...envNames(container), ...(container.envFrom?.length ? config : [])]);
    };
    const mail = c.values.mail.authentication ? [] : ["APP_MAIL_SENHA"];
    const directory = c.values.directory ? [] : ["LDAPTLS_CACERT"];
    const contract = (...without: string[]) => new Set(IMAGES.app.env.filter((name) => !without.includes(name)));
    expect(readBy("Deployment", "sei-app")).toEqual(contract("APP_DB_ROOT_PASSWORD", ...mail, ...directory));
    expect(readBy("Job", "sei-updater")).toEqual(contract("LDAPTLS_CACERT", ...mail));
    expect(UPDATER_ENV.every((name) => readBy("Job", "sei-updater").has(name))).toBe(true);
    const solr = get(manifestsOf(c), "StatefulSet", "sei-solr");
    expect(new Set(allContainers(solr).flatMap(envNames))).toEqual(new Set(IMAGES.solr.env));
    const bootstrap = envNames(podTemplate(get(manifestsOf(c), "Job", "sei-bootstrap")).spec.containers[0]!);
    expect(new Set(bootstrap)).toEqual(new Set(BOOTSTRAP_ENV));
  });
});
