/**
 * Schema problems, positioned: every zod issue maps back to the line and column
 * a person edits, in plain words. Municipality, tier and platform files alike.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { validateBytes } from "../../core/load/index.ts";
import { municipalitySchema } from "../../core/schema/municipality.ts";
import { platformSchema } from "../../core/schema/platform.ts";
import { tierSchema } from "../../core/schema/tier.ts";
import { edit, lines, REPO_ROOT, TIRADENTES } from "./support.ts";

const check = (text: string) => lines(validateBytes(Buffer.from(text), "t.yaml", municipalitySchema).diagnostics);

describe("municipality schema, positioned", () => {
  it("passes a good file", () => {
    expect(check(TIRADENTES)).toEqual([]);
  });

  it("points at a misspelt key and suggests the known one", () => {
    expect(check(edit(TIRADENTES, "tier:", "tir: pequeno-i"))).toEqual([
      "error t.yaml:5:1 spec.tier: is required",
      'error t.yaml:9:3 spec.tir: unknown field "tir"; did you mean "tier"?',
    ]);
  });

  it("lists the allowed keys when no known key is near", () => {
    expect(
      check(edit(TIRADENTES, "itLead:", "itLead: { name: Vítor Lopes, email: vitor.lopes@example.org, phone: 1 }")),
    ).toEqual([
      'error t.yaml:20:66 spec.team.itLead.phone: unknown field "phone"; allowed here: name, email, login, firstAdministrator',
    ]);
  });

  it("points at the parent mapping of a missing field", () => {
    expect(check(edit(TIRADENTES, "signedOn:", ""))).toEqual(["error t.yaml:11:3 spec.contract.signedOn: is required"]);
  });

  it("says what a wrong value is and what is expected", () => {
    expect(check(edit(TIRADENTES, "population:", "population: about 7000"))).toEqual([
      'error t.yaml:8:15 spec.population: must be a number, not the text "about 7000"',
    ]);
    expect(check(edit(TIRADENTES, "population:", "population: 0"))).toEqual([
      "error t.yaml:8:15 spec.population: must be more than 0",
    ]);
    expect(check(edit(TIRADENTES, "tier:", "tier: pequeno"))).toEqual([
      "error t.yaml:9:9 spec.tier: must be one of pequeno-i, pequeno-ii, medio, grande, metropole",
    ]);
  });

  it("asks for the IBGE code as a quoted string", () => {
    expect(check(edit(TIRADENTES, "ibgeCode:", "ibgeCode: 3168804"))).toEqual([
      'error t.yaml:6:13 spec.ibgeCode: must be a string of 7 digits, quoted ("3170206")',
    ]);
  });

  it("checks dates are real calendar dates", () => {
    expect(check(edit(TIRADENTES, "signedOn:", "signedOn: 2026-02-30"))).toEqual([
      "error t.yaml:13:15 spec.contract.signedOn: is not a real calendar date",
    ]);
    expect(check(edit(TIRADENTES, "goLiveOn:", "goLiveOn: 1/6/2026"))).toEqual([
      "error t.yaml:15:13 spec.goLiveOn: must be a date written as YYYY-MM-DD",
    ]);
  });

  it("checks the PNCP control number's format", () => {
    expect(check(edit(TIRADENTES, "pncpId:", 'pncpId: "18002372000112-3-9/2026"'))).toEqual([
      'error t.yaml:14:13 spec.contract.pncpId: must be a PNCP control number CNPJ-[1|2]-sequence/year such as "11222333000181-2-000045/2026" (14-digit CNPJ, 1 or 2, 6-digit sequence, 4-digit year)',
    ]);
  });

  it("checks the CNPJ check digits of the PNCP control number", () => {
    expect(check(edit(TIRADENTES, "pncpId:", 'pncpId: "18002372000113-2-000009/2026"'))).toEqual([
      "error t.yaml:14:13 spec.contract.pncpId: the CNPJ (the first 14 digits) has wrong check digits",
    ]);
    expect(check(edit(TIRADENTES, "pncpId:", 'pncpId: "00000000000000-2-000009/2026"'))).toEqual([
      "error t.yaml:14:13 spec.contract.pncpId: the CNPJ (the first 14 digits) has wrong check digits",
    ]);
  });

  it("wants the domain as a lower-case host name", () => {
    expect(check(edit(TIRADENTES, "domain:", "domain: SEI.tiradentes.mg.gov.br"))).toEqual([
      "error t.yaml:16:11 spec.domain: must be lower case",
    ]);
    expect(check(edit(TIRADENTES, "domain:", "domain: https://sei.tiradentes.mg.gov.br"))).toEqual([
      "error t.yaml:16:11 spec.domain: must be a host name of dot-separated labels (letters, digits, hyphens), such as sei.uberlandia.mg.gov.br",
    ]);
  });

  it("parses override sizes as quantities and checks their bounds", () => {
    expect(check(`${TIRADENTES}  overrides:\n    documentsStorage: 800GB\n    databaseStorage: 1Gi\n`)).toEqual([
      'error t.yaml:22:23 spec.overrides.documentsStorage: "800GB" is not a size; use a number with a unit such as "512Mi", "20Gi" or "1Ti"',
      "error t.yaml:23:22 spec.overrides.databaseStorage: must be between 5Gi and 2Ti",
    ]);
  });

  it("reports every problem of a file, not only the first", () => {
    const bad = edit(
      edit(edit(TIRADENTES, "tier:", "tier: big"), "phase:", "phase: live"),
      "projectManager:",
      "projectManager: { name: T, email: nope }",
    );
    expect(check(bad).map((l) => l.split(" ")[2])).toEqual([
      "spec.tier:",
      "spec.phase:",
      "spec.team.projectManager.email:",
    ]);
  });

  it("says what a document that is not a mapping is", () => {
    expect(check("just text\n")).toEqual(['error t.yaml:1:1 : must be a mapping of fields, not the text "just text"']);
  });
});

describe("tier and platform files go through the same loader", () => {
  const read = (path: string) => readFileSync(join(REPO_ROOT, path), "utf8");

  it("points into a tier file", () => {
    const text = read("tiers/pequeno-i.yaml")
      .replace("retentionDays: 7", "retentionDays: 700")
      .replace("bufferPool: 256Mi", "bufferPol: 256Mi");
    const problems = lines(validateBytes(Buffer.from(text), "tiers/pequeno-i.yaml", tierSchema).diagnostics);
    expect(problems).toEqual([
      expect.stringMatching(/^error tiers\/pequeno-i\.yaml:\d+:\d+ spec\.database\.bufferPool: is required$/),
      expect.stringMatching(
        /^error tiers\/pequeno-i\.yaml:\d+:5 spec\.database\.bufferPol: unknown field "bufferPol"; did you mean "bufferPool"\?$/,
      ),
      expect.stringMatching(/^error tiers\/pequeno-i\.yaml:\d+:20 spec\.backup\.retentionDays: must be at most 365$/),
    ]);
  });

  it("wants ephemeral storage of every component, within its limit, and scratch room for the database", () => {
    const tier = read("tiers/pequeno-i.yaml");
    const check = (from: string, to: string) =>
      lines(validateBytes(Buffer.from(tier.replace(from, to)), "tiers/pequeno-i.yaml", tierSchema).diagnostics);
    expect(
      check("requests: { cpu: 25m, memory: 96Mi, ephemeralStorage: 32Mi }", "requests: { cpu: 25m, memory: 96Mi }"),
    ).toEqual([
      expect.stringMatching(
        /^error tiers\/pequeno-i\.yaml:\d+:\d+ spec\.memcached\.resources\.requests\.ephemeralStorage: is required$/,
      ),
    ]);
    expect(
      check(
        "requests: { cpu: 25m, memory: 96Mi, ephemeralStorage: 32Mi }",
        "requests: { cpu: 25m, memory: 96Mi, ephemeralStorage: 1Gi }",
      ),
    ).toEqual([
      expect.stringMatching(
        /^error tiers\/pequeno-i\.yaml:\d+:\d+ spec\.memcached\.resources\.limits\.ephemeralStorage: limits\.ephemeralStorage must not be below requests\.ephemeralStorage$/,
      ),
    ]);
    const smallScratch = tier
      .replace(
        "requests: { cpu: 100m, memory: 512Mi, ephemeralStorage: 512Mi }",
        "requests: { cpu: 100m, memory: 512Mi, ephemeralStorage: 256Mi }",
      )
      .replace(
        'limits: { cpu: "1", memory: 768Mi, ephemeralStorage: 2Gi }',
        'limits: { cpu: "1", memory: 768Mi, ephemeralStorage: 256Mi }',
      );
    expect(check(tier, smallScratch)).toEqual([
      expect.stringMatching(
        /^error tiers\/pequeno-i\.yaml:\d+:\d+ spec\.database\.resources\.limits\.ephemeralStorage: limits\.ephemeralStorage must be at least 512Mi: MariaDB's tmpdir gets this limit less 64Mi for logs$/,
      ),
    ]);
  });

  it("follows list indexes and the state backend's chosen type in a platform file", () => {
    const text = read("platform.yaml")
      .replace("    - name: prodemge-bh-2 ", "    - name: Prodemge_BH_2 ")
      .replace("connectionStringEnv: PG_CONN_STR", "connectionString: PG_CONN_STR");
    expect(lines(validateBytes(Buffer.from(text), "platform.yaml", platformSchema).diagnostics)).toEqual([
      `error platform.yaml:${text.split("\n").indexOf("    - name: Prodemge_BH_2                   # example") + 1}:13 spec.clusters[1].name: must be lower-case letters, digits and hyphens, starting and ending with a letter or digit`,
      `error platform.yaml:${text.split("\n").indexOf("  stateBackend:") + 1}:3 spec.stateBackend.connectionStringEnv: is required`,
      `error platform.yaml:${text.split("\n").findIndex((l) => l.startsWith("    connectionString: PG_CONN_STR")) + 1}:5 spec.stateBackend.connectionString: unknown field "connectionString"; did you mean "connectionStringEnv"?`,
    ]);
  });

  it("refuses app and bootstrap images of another SEI version than the pinned one", () => {
    const platform = read("platform.yaml");
    const check = (from: string, to: string) =>
      lines(validateBytes(Buffer.from(platform.replace(from, to)), "platform.yaml", platformSchema).diagnostics);
    const app = 'repository: sei-app\n      tag: "5.1.0"';
    const bootstrap = 'repository: sei-bootstrap\n      tag: "5.1.0"';
    expect(check(app, 'repository: sei-app\n      tag: "5.1.0-r2"')).toEqual([]);
    expect(check(app, 'repository: sei-app\n      tag: "5.0.3"')).toEqual([
      expect.stringMatching(
        /^error platform\.yaml:\d+:\d+ spec\.images\.app\.tag: must be SEI 5\.1\.0 \(or 5\.1\.0-<build>\), the version core\/image-contract\.ts pins/,
      ),
    ]);
    expect(check(bootstrap, 'repository: sei-bootstrap\n      tag: "5.1.1"')).toEqual([
      expect.stringMatching(/^error platform\.yaml:\d+:\d+ spec\.images\.bootstrap\.tag: must be SEI 5\.1\.0/),
    ]);
  });

  it("takes the Kubernetes release as a quoted minor version, which pins the Pod Security standard", () => {
    const check = (version: string) =>
      lines(
        validateBytes(
          Buffer.from(read("platform.yaml").replace('kubernetesVersion: "1.37"', `kubernetesVersion: ${version}`)),
          "platform.yaml",
          platformSchema,
        ).diagnostics,
      );
    expect(check('"1.30"')).toEqual([]);
    expect(check("1.30")).toEqual([
      'error platform.yaml:10:22 spec.kubernetesVersion: must be a quoted Kubernetes minor release such as "1.37" (unquoted, YAML reads 1.30 as the number 1.3)',
    ]);
    for (const version of ['"latest"', '"v1.37"', '"1.37.2"']) {
      expect(check(version), version).toEqual([
        'error platform.yaml:10:22 spec.kubernetesVersion: must be a Kubernetes minor release such as "1.37"',
      ]);
    }
  });

  it("takes the cluster DNS pods as a namespace and labels, never an empty selector", () => {
    const platform = read("platform.yaml");
    const check = (labels: string) =>
      lines(
        validateBytes(
          Buffer.from(platform.replace("podLabels: { k8s-app: kube-dns }", `podLabels: ${labels}`)),
          "platform.yaml",
          platformSchema,
        ).diagnostics,
      );
    expect(check("{ app.kubernetes.io/name: coredns }")).toEqual([]);
    expect(check("{}")).toEqual([
      expect.stringMatching(
        /^error platform\.yaml:\d+:16 spec\.clusterDns\.podLabels: must name at least one label: an empty selector would allow every pod of the namespace$/,
      ),
    ]);
    expect(check('{ "k8s app": kube-dns }')).toEqual([
      expect.stringMatching(
        /^error platform\.yaml:\d+:\d+ spec\.clusterDns\.podLabels\.k8s app: is not a Kubernetes label key; use one such as k8s-app/,
      ),
    ]);
    // Absent, it is CoreDNS as kubeadm and most distributions deploy it.
    const without = platform.replace(/ {2}clusterDns:.*\n.*\n.*\n/, "");
    expect(without).not.toContain("clusterDns");
    expect(validateBytes(Buffer.from(without), "platform.yaml", platformSchema).value?.spec.clusterDns).toEqual({
      namespace: "kube-system",
      podLabels: { "k8s-app": "kube-dns" },
    });
  });

  it("pins images by digest, refusing a malformed digest and a digest written into the tag, at the field", () => {
    const platform = read("platform.yaml");
    const digest = platform.match(/repository: mariadb\n {6}tag: "10.11"\n {6}digest: (\S+)/)![1]!;
    const check = (to: string) =>
      lines(
        validateBytes(Buffer.from(platform.replace(`digest: ${digest}`, to)), "platform.yaml", platformSchema)
          .diagnostics,
      );
    expect(check(`digest: ${digest}`)).toEqual([]);
    // A digest is optional: a tag alone is valid (validate warns once a formalized municipality runs it).
    expect(check("")).toEqual([]);
    const malformed = (column: number) => [
      expect.stringMatching(
        new RegExp(
          `^error platform\\.yaml:\\d+:${column} spec\\.images\\.database\\.digest: must be an image digest: "sha256:" followed by 64 lower-case hexadecimal digits`,
        ),
      ),
    ];
    expect(check(`digest: ${digest.toUpperCase().replace("SHA256", "sha256")}`)).toEqual(malformed(15));
    expect(check(`digest: ${digest.slice(0, -1)}`)).toEqual(malformed(15));
    expect(check(`digest: sha512:${digest.slice(7)}`)).toEqual(malformed(15));
    expect(check(`digest: "${digest.slice(7)}"`)).toEqual(malformed(15));
    const inTag = platform
      .replace('tag: "10.11"\n', `tag: "10.11@${digest}"\n`)
      .replace(`      digest: ${digest}\n`, "");
    expect(lines(validateBytes(Buffer.from(inTag), "platform.yaml", platformSchema).diagnostics)).toEqual([
      expect.stringMatching(
        /^error platform\.yaml:\d+:12 spec\.images\.database\.tag: holds a digest: write the tag here and the digest in "digest"/,
      ),
    ]);
  });

  it("names the state encryption key plainly; a rotation names a new one, and unencrypted only as the previous", () => {
    const check = (encryption: string) =>
      lines(
        validateBytes(
          Buffer.from(read("platform.yaml").replace("    keyName: sei_2026", encryption)),
          "platform.yaml",
          platformSchema,
        ).diagnostics,
      );
    expect(check("    keyName: sei_2027\n    previousKeyName: sei_2026")).toEqual([]);
    expect(check("    keyName: sei_2026\n    previousKeyName: unencrypted")).toEqual([]);
    expect(check("    keyName: SEI-2026")).toEqual([
      expect.stringMatching(
        /^error platform\.yaml:\d+:14 spec\.stateEncryption\.keyName: must be a key name of lower-case letters, digits and underscores/,
      ),
    ]);
    expect(check("    keyName: unencrypted")).toEqual([
      expect.stringMatching(
        /^error platform\.yaml:\d+:14 spec\.stateEncryption\.keyName: "unencrypted" is reserved for previousKeyName/,
      ),
    ]);
    expect(check("    keyName: sei_2026\n    previousKeyName: sei_2026")).toEqual([
      expect.stringMatching(
        /^error platform\.yaml:\d+:22 spec\.stateEncryption\.previousKeyName: must differ from keyName: a rotation gives the new key a new name$/,
      ),
    ]);
  });

  it("refuses a release timeout that leaves the updater no room, at the field's position", () => {
    const platform = read("platform.yaml").replace("timeoutSeconds: 900", "timeoutSeconds: 300");
    expect(lines(validateBytes(Buffer.from(platform), "platform.yaml", platformSchema).diagnostics)).toEqual([
      expect.stringMatching(
        /^error platform\.yaml:\d+:21 spec\.deploy\.timeoutSeconds: must be at least 660: Helm waits this long for each hook Job/,
      ),
    ]);
  });

  it("refuses a mail network that is not in CIDR notation, which Kubernetes would only reject at deploy time", () => {
    const platform = read("platform.yaml");
    const check = (cidr: string) =>
      lines(
        validateBytes(
          Buffer.from(platform.replace("cidr: 10.20.30.40/32", `cidr: ${cidr}`)),
          "platform.yaml",
          platformSchema,
        ).diagnostics,
      );
    const refused = [
      expect.stringMatching(
        new RegExp(`^error platform\\.yaml:\\d+:11 spec\\.mail\\.cidr: must be a network in CIDR notation`),
      ),
    ];
    expect(check("10.20.30.0/24")).toEqual([]);
    expect(check('"fd12:3456::/64"')).toEqual([]);
    for (const cidr of ["smtp.prodemge.mg.gov.br", "10.20.30.40", "10.20.30.400/32", '""'])
      expect(check(cidr), cidr).toEqual(refused);
  });

  it("takes a cluster's directory as an LDAP URL, a DN SIP can store, a bind Secret, a PEM CA and a network", () => {
    const platform = read("platform.yaml");
    const check = (from: string, to: string) => {
      expect(platform).toContain(from);
      return lines(validateBytes(Buffer.from(platform.replace(from, to)), "platform.yaml", platformSchema).diagnostics);
    };
    const at = (field: string, message: string) =>
      expect.stringMatching(
        new RegExp(`^error platform\\.yaml:\\d+:\\d+ spec\\.clusters\\[0\\]\\.directory\\.${field}: ${message}`),
      );
    expect(check("url: ldaps://ldap-bh1", "url: ldap://ldap-bh1")).toEqual([]);
    for (const url of ["https://ldap.prodemge.mg.gov.br", "ldaps://ldap.prodemge.mg.gov.br/dc=x", "ldap-bh1"])
      expect(check("url: ldaps://ldap-bh1.prodemge.mg.gov.br:636", `url: ${url}`), url).toEqual([
        at("url", "must be an LDAP URL"),
      ]);
    expect(check("type: LDAP ", "type: OpenLDAP ")).toEqual([at("type", "must be LDAP")]);
    expect(check("baseDn: ou=municipios,dc=prodemge", "baseDn: municipios.prodemge")).toEqual([
      at("baseDn", "must be a distinguished name"),
    ]);
    expect(check("baseDn: ou=municipios,dc=prodemge", `baseDn: ou=${"m".repeat(60)},dc=prodemge`)).toEqual([
      at("baseDn", "must be at most 56 characters"),
    ]);
    expect(check("-----BEGIN CERTIFICATE-----", "-----BEGIN PRIVATE KEY-----")).toEqual([
      at("ca", "must be one PEM certificate"),
    ]);
    expect(check("cidr: 10.20.30.50/32", "cidr: ldap-bh1.prodemge.mg.gov.br")).toEqual([
      at("cidr", "must be a network in CIDR notation"),
    ]);
    expect(check("bindSecret: { namespace: sei-platform,", "bindSecret: { namespace: Sei_Platform,")).toEqual([
      at("bindSecret\\.namespace", "must be lower-case"),
    ]);
  });
});
