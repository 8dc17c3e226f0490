/**
 * Names that come from platform.yaml reach the chart as strings and must stay
 * strings: a valid Kubernetes name such as "1234" or "1e3", rendered unquoted,
 * would become a number and the API server would refuse the manifest. The same
 * holds for a Secret's name and key in an env entry (a key may be all digits).
 */
import { describe, expect, it } from "vitest";
import { examplePlan } from "../../scripts/lib/example-plan.ts";
import { get, helmTemplate, podTemplate } from "./support.ts";

describe("names that look like numbers", () => {
  it("stay strings in the Ingress and the volumes", async () => {
    const values = examplePlan({ tier: "medio", phase: "production" }).release!.values;
    const manifests = await helmTemplate({
      ...values,
      ingress: { ...values.ingress, className: "1234", tlsSecretName: "1e3" },
      solr: { ...values.solr, data: { ...values.solr.data, existingClaim: "0777" } },
      documents: { ...values.documents, existingClaim: "0778" },
    });
    const ingress = get(manifests, "Ingress", "sei-app").spec as {
      ingressClassName: unknown;
      tls: { secretName: unknown }[];
    };
    expect(ingress.ingressClassName).toBe("1234");
    expect(ingress.tls[0]!.secretName).toBe("1e3");
    const solr = JSON.stringify(get(manifests, "StatefulSet", "sei-solr"));
    expect(solr).toContain('"claimName":"0777"');
    expect(JSON.stringify(get(manifests, "Deployment", "sei-app"))).toContain('"claimName":"0778"');
  }, 120_000);

  it("stay strings in a Secret reference of an env entry", async () => {
    const values = examplePlan({ tier: "medio", phase: "production" }).release!.values;
    const fromSecret = (name: string, secret: string, key: string) => ({
      name,
      valueFrom: { secretKeyRef: { name: secret, key } },
    });
    const manifests = await helmTemplate({
      ...values,
      env: { ...values.env, app: [fromSecret("APP_SEI_CHAVE_ACESSO", "1e3", "1234")] },
      solr: {
        ...values.solr,
        env: { ...values.solr.env, init: [fromSecret("SOLR_USERNAME", "0777", "0x10")] },
      },
    });
    const refOf = (kind: string, name: string, initContainers = false) => {
      const { spec } = podTemplate(get(manifests, kind, name));
      const container = (initContainers ? spec.initContainers : spec.containers)![0]!;
      return container.env![0]!.valueFrom!.secretKeyRef;
    };
    expect(refOf("Deployment", "sei-app")).toEqual({ name: "1e3", key: "1234" });
    expect(refOf("StatefulSet", "sei-solr", true)).toEqual({ name: "0777", key: "0x10" });
  }, 120_000);
});
