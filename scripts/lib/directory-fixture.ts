/**
 * PRODEMGE's directory for tests (a TEST FIXTURE): OpenLDAP's slapd from
 * Debian (scripts/e2e/images/directory: start.sh loads the entries and writes
 * the access rules). The entries are made here: the base DN, the bind account
 * SIP searches with, and under ou=<municipality>,<baseDn> each municipality's
 * people. Passwords are the caller's (generated per run, never in git); the
 * entries hold only their salted SHA-1 hashes ({SSHA}, which slapd verifies).
 *
 * installDirectory runs it in the local cluster as the cluster's directory:
 * its own namespace, a Pod and a Service on 636 (ldaps) with a certificate the
 * test CA issued for the Service's name, and the bind Secret platform.yaml's
 * directory.bindSecret names. The unit tests run start.sh as a private process.
 */
import { createHash, randomBytes } from "node:crypto";
import { execFileSync, spawn } from "node:child_process";
import { chmodSync, mkdirSync, mkdtempSync, openSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { connect } from "node:net";
import { hostname, tmpdir } from "node:os";
import { join } from "node:path";
import { localImage } from "./e2e-workspace.ts";
import { REPO_ROOT } from "./example-plan.ts";
import { kubectl } from "./run.ts";

export const DIRECTORY_START = join(REPO_ROOT, "scripts/e2e/images/directory/start.sh");

export interface DirectoryPerson {
  /** The municipality's name (its branch ou=<municipality>). */
  readonly municipality: string;
  readonly login: string;
  readonly name: string;
  readonly email: string;
  readonly password: string;
}

export interface DirectoryEntries {
  readonly baseDn: string;
  readonly bindDn: string;
  readonly bindPassword: string;
  readonly people: readonly DirectoryPerson[];
}

/** A password as slapd stores one: {SSHA} base64(sha1(password + salt) + salt). */
export function sshaHash(password: string): string {
  const salt = randomBytes(8);
  const digest = createHash("sha1").update(password).update(salt).digest();
  return `{SSHA}${Buffer.concat([digest, salt]).toString("base64")}`;
}

/** A password a test generates: 24 random letters and digits. */
export function newPassword(): string {
  return randomBytes(18).toString("base64").replace(/[+/]/g, "x");
}

/** LDIF of the base entry, the bind account and each municipality's branch with its people. */
export function directoryLdif({ baseDn, bindDn, bindPassword, people }: DirectoryEntries): string {
  const value = (dn: string) => /^[a-zA-Z]+=([^,]+)/.exec(dn)?.[1] ?? "";
  const entries: string[][] = [
    [`dn: ${baseDn}`, "objectClass: organizationalUnit", `ou: ${value(baseDn)}`],
    [
      `dn: ${bindDn}`,
      "objectClass: organizationalRole",
      "objectClass: simpleSecurityObject",
      `cn: ${value(bindDn)}`,
      `userPassword: ${sshaHash(bindPassword)}`,
    ],
  ];
  for (const municipality of new Set(people.map((p) => p.municipality)))
    entries.push([`dn: ou=${municipality},${baseDn}`, "objectClass: organizationalUnit", `ou: ${municipality}`]);
  for (const person of people) {
    entries.push([
      `dn: uid=${person.login},ou=${person.municipality},${baseDn}`,
      "objectClass: inetOrgPerson",
      `uid: ${person.login}`,
      // UTF-8 names go base64-encoded (LDIF's "::").
      `cn:: ${Buffer.from(person.name).toString("base64")}`,
      `sn:: ${Buffer.from(person.name.split(" ").at(-1) ?? person.name).toString("base64")}`,
      `mail: ${person.email}`,
      `userPassword: ${sshaHash(person.password)}`,
    ]);
  }
  return entries.map((lines) => lines.join("\n")).join("\n\n") + "\n";
}

/** The directory's environment for start.sh. */
export function directoryEnv(entries: DirectoryEntries): Record<string, string> {
  return { SEI_DIRECTORY_SUFFIX: entries.baseDn, SEI_DIRECTORY_BIND_DN: entries.bindDn };
}

/** A certificate for `host` from the local test CA (scripts/e2e/test-ca.sh): tls.crt, tls.key, and the CA's PEM. */
export function issueCertificate(host: string): { crt: string; key: string; ca: string } {
  const dir = mkdtempSync(join(tmpdir(), "sei-directory-tls-"));
  try {
    const script = join(REPO_ROOT, "scripts/e2e/test-ca.sh");
    execFileSync("bash", [script, "issue", host, dir]);
    const ca = execFileSync("bash", [script, "cert"], { encoding: "utf8" }).trim();
    return {
      crt: readFileSync(join(dir, "tls.crt"), "utf8"),
      key: readFileSync(join(dir, "tls.key"), "utf8"),
      ca: readFileSync(ca, "utf8"),
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** What platform.yaml's directory says of the local cluster's directory. */
export interface ClusterDirectory {
  readonly url: string;
  readonly type: "LDAP";
  readonly baseDn: string;
  readonly loginAttribute: "uid";
  readonly bindSecret: { readonly namespace: string; readonly name: string };
  readonly ca: string;
  readonly cidr: string;
}

const NAMESPACE = "sei-directory";
const NAME = "directory";
// The pod shares the node's network (hostNetwork), so its address lies outside the pod and service
// networks, as PRODEMGE's directory does and as the platform's directory CIDR rule requires. A host
// network keeps the kernel's floor of 1024 for unprivileged ports, hence not 636.
export const DIRECTORY_PORT = 10636;

/**
 * Runs the directory in the local cluster with these entries, and the bind Secret (keys bindDn, password)
 * in its namespace. The egress policy of each instance allows the directory's address alone (its `cidr`:
 * the node's, since the pod uses the host network).
 */
export async function installDirectory(entries: DirectoryEntries): Promise<ClusterDirectory> {
  const host = `${NAME}.${NAMESPACE}.svc.cluster.local`;
  const tls = issueCertificate(host);
  const labels = { "app.kubernetes.io/name": NAME };
  const objects = [
    { apiVersion: "v1", kind: "Namespace", metadata: { name: NAMESPACE } },
    {
      apiVersion: "v1",
      kind: "Secret",
      metadata: { name: `${NAME}-config`, namespace: NAMESPACE },
      stringData: { "entries.ldif": directoryLdif(entries), "tls.crt": tls.crt, "tls.key": tls.key },
    },
    {
      apiVersion: "v1",
      kind: "Secret",
      metadata: { name: "sei-directory-bind", namespace: NAMESPACE },
      stringData: { bindDn: entries.bindDn, password: entries.bindPassword },
    },
    {
      apiVersion: "v1",
      kind: "Pod",
      metadata: { name: NAME, namespace: NAMESPACE, labels },
      spec: {
        automountServiceAccountToken: false,
        securityContext: {
          runAsNonRoot: true,
          runAsUser: 10389,
          runAsGroup: 10389,
          fsGroup: 10389,
          seccompProfile: { type: "RuntimeDefault" },
        },
        hostNetwork: true,
        containers: [
          {
            name: "slapd",
            image: localImage(NAME),
            imagePullPolicy: "Never",
            env: Object.entries({ ...directoryEnv(entries), SEI_DIRECTORY_URLS: `ldaps://:${DIRECTORY_PORT}/` }).map(
              ([name, value]) => ({ name, value }),
            ),
            ports: [{ name: "ldaps", containerPort: DIRECTORY_PORT }],
            readinessProbe: { tcpSocket: { port: DIRECTORY_PORT }, periodSeconds: 2 },
            resources: { requests: { cpu: "20m", memory: "32Mi" }, limits: { memory: "256Mi" } },
            securityContext: {
              allowPrivilegeEscalation: false,
              readOnlyRootFilesystem: true,
              capabilities: { drop: ["ALL"] },
            },
            volumeMounts: [
              { name: "config", mountPath: "/etc/sei-directory", readOnly: true },
              { name: "data", mountPath: "/var/lib/ldap" },
              { name: "tmp", mountPath: "/tmp" },
            ],
          },
        ],
        volumes: [
          { name: "config", secret: { secretName: `${NAME}-config`, defaultMode: 0o440 } },
          { name: "data", emptyDir: {} },
          { name: "tmp", emptyDir: { medium: "Memory", sizeLimit: "16Mi" } },
        ],
      },
    },
    {
      apiVersion: "v1",
      kind: "Service",
      metadata: { name: NAME, namespace: NAMESPACE, labels },
      spec: { selector: labels, ports: [{ name: "ldaps", port: DIRECTORY_PORT, targetPort: "ldaps" }] },
    },
  ];
  await kubectl(["apply", "-f", "-"], objects.map((o) => JSON.stringify(o)).join("\n"));
  await kubectl(["-n", NAMESPACE, "wait", "--for=condition=Ready", `pod/${NAME}`, "--timeout=120s"]);
  const address = (await kubectl(["-n", NAMESPACE, "get", "pod", NAME, "-o", "jsonpath={.status.podIP}"])).trim();
  return {
    url: `ldaps://${host}:${DIRECTORY_PORT}`,
    type: "LDAP",
    baseDn: entries.baseDn,
    loginAttribute: "uid",
    bindSecret: { namespace: NAMESPACE, name: "sei-directory-bind" },
    ca: tls.ca,
    cidr: `${address}/32`,
  };
}

/** Removes the directory and its Secrets. */
export async function removeDirectory(): Promise<void> {
  await kubectl(["delete", "namespace", NAMESPACE, "--ignore-not-found", "--wait=false"]);
}

/** A directory running as a private process of this machine (Debian's slapd), for unit tests. */
export interface PrivateDirectory {
  /** ldaps://localhost:PORT; its certificate names this machine (libldap checks "localhost" against the host name). */
  readonly url: string;
  readonly port: number;
  /** The test CA's certificate file: what LDAPTLS_CACERT names. */
  readonly caFile: string;
  stop(): Promise<void>;
}

/** Starts start.sh with Debian's slapd on a free port of 127.0.0.1, serving `entries`. */
export async function startPrivateDirectory(entries: DirectoryEntries, port: number): Promise<PrivateDirectory> {
  const dir = mkdtempSync(join(tmpdir(), "sei-directory-"));
  const config = join(dir, "config");
  const data = join(dir, "data");
  mkdirSync(config);
  mkdirSync(data);
  const tls = issueCertificate(hostname().toLowerCase());
  writeFileSync(join(config, "entries.ldif"), directoryLdif(entries));
  writeFileSync(join(config, "tls.crt"), tls.crt);
  writeFileSync(join(config, "tls.key"), tls.key, { mode: 0o600 });
  // Apache's PHP reads the CA as www-data; the key stays in config/, the folder's owner's alone.
  chmodSync(dir, 0o755);
  chmodSync(config, 0o700);
  writeFileSync(join(dir, "ca.crt"), tls.ca, { mode: 0o644 });
  const log = join(dir, "slapd.log");
  const child = spawn("sh", [DIRECTORY_START], {
    env: {
      PATH: `${process.env.PATH ?? "/usr/bin:/bin"}:/usr/sbin:/sbin`,
      ...directoryEnv(entries),
      SEI_DIRECTORY_CONFIG: config,
      SEI_DIRECTORY_DATA: data,
      SEI_DIRECTORY_RUN: dir,
      SEI_DIRECTORY_URLS: `ldaps://127.0.0.1:${port}/`,
    },
    stdio: ["ignore", "ignore", openSync(log, "a")],
  });
  const exited = new Promise<void>((done) => child.on("exit", () => done()));
  for (let waited = 0; !(await listening(port)); waited += 100) {
    if (child.exitCode !== null || waited > 20_000)
      throw new Error(`slapd did not start:\n${readFileSync(log, "utf8")}`);
    await new Promise((done) => setTimeout(done, 100));
  }
  return {
    url: `ldaps://localhost:${port}`,
    port,
    caFile: join(dir, "ca.crt"),
    async stop() {
      child.kill("SIGTERM");
      await exited;
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

function listening(port: number): Promise<boolean> {
  return new Promise((done) => {
    const socket = connect(port, "127.0.0.1");
    socket.on("connect", () => (socket.destroy(), done(true)));
    socket.on("error", () => done(false));
  });
}
