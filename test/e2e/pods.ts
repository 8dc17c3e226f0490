/**
 * Checks inside the pods of a running instance (test/e2e/workloads.test.ts):
 * connections and logins from the app's pod, every serving pod Ready, a
 * stand-in mail relay. Commands, SQL and Job logs: scripts/lib/pods.ts.
 */
import { createServer, type Server } from "node:net";
import { expect } from "vitest";
import { exec, isReady, servingPods } from "../../scripts/lib/pods.ts";

export { exec, jobLog, sql, waitForNoPods } from "../../scripts/lib/pods.ts";

/**
 * A TCP connection from a pod of the SEI app image (PHP), as SEI makes them: "connected" (with the
 * server's first line when `readLine`), or "refused: …" for a refusal, a drop or a timeout.
 */
export async function connectFromApp(namespace: string, host: string, port: number, readLine = false): Promise<string> {
  const code = `$s = @fsockopen($argv[1], (int) $argv[2], $e, $m, 4);
if (!$s) { echo "refused: $m"; exit(0); }
if ($argv[3] === "1") { stream_set_timeout($s, 4); $l = fgets($s); echo "connected: ", $l === false ? "" : trim($l); exit(0); }
echo "connected";`;
  const result = await exec(namespace, "deploy/sei-app", [
    "php",
    "-r",
    code,
    "--",
    host,
    String(port),
    readLine ? "1" : "0",
  ]);
  return result.output.trim();
}

/** A login to the database from the app's pod, over the network as SEI logs in: "ok" or "refused: …". */
export async function loginFromApp(
  namespace: string,
  host: string,
  user: string,
  password: string,
  database: string,
): Promise<string> {
  const code = `mysqli_report(MYSQLI_REPORT_OFF);
$c = @mysqli_connect($argv[1], $argv[2], $argv[3], $argv[4], 3306);
echo $c ? "ok" : "refused: " . mysqli_connect_error();`;
  return (
    await exec(namespace, "deploy/sei-app", ["php", "-r", code, "--", host, user, password, database])
  ).output.trim();
}

/**
 * The HTTP status Solr answers a search of the protocols core made from the app's pod as `user` with
 * `password` ("200", "401"), as SEI searches. Test credentials on the command line, as loginFromApp's.
 */
export async function solrSearchFromApp(namespace: string, user: string, password: string): Promise<string> {
  const url = "http://sei-solr:8983/solr/sei-protocolos/select?q=*:*";
  return (
    await exec(namespace, "deploy/sei-app", [
      "curl",
      "-sS",
      "-o",
      "/dev/null",
      "-w",
      "%{http_code}",
      "-u",
      `${user}:${password}`,
      url,
    ])
  ).output.trim();
}

/** A TCP connection from a pod whose image has bash (the MariaDB image): true when it connects within 4 s. */
export async function connectsFrom(namespace: string, pod: string, host: string, port: number): Promise<boolean> {
  const result = await exec(namespace, pod, [
    "timeout",
    "5",
    "bash",
    "-c",
    'exec 3<>"/dev/tcp/$0/$1"',
    host,
    String(port),
  ]);
  return result.code === 0;
}

/** Retries `check` for a few seconds: NetworkPolicy objects reach the enforcing agent a moment after they are made. */
export async function eventually<T>(check: () => Promise<T>, ok: (value: T) => boolean, seconds = 20): Promise<T> {
  const deadline = Date.now() + seconds * 1000;
  for (;;) {
    const value = await check();
    if (ok(value) || Date.now() > deadline) return value;
    await new Promise((r) => setTimeout(r, 1000));
  }
}

/** Every pod that is not a Job's is Ready; returns the components that run. */
export async function expectAllReady(namespace: string): Promise<string[]> {
  const running = await servingPods(namespace);
  for (const pod of running) expect(isReady(pod), `${pod.metadata.name} is not Ready`).toBe(true);
  return running.map((p) => p.metadata.labels?.["app.kubernetes.io/component"] ?? p.metadata.name).sort();
}

/**
 * A stand-in for the SMTP relay (NOT a mail server): it answers every connection with a 220 greeting
 * and closes it, which is all a reachability check needs.
 */
export function startMailListener(host: string, port: number): Promise<Server> {
  const server = createServer((socket) => socket.end("220 sei-e2e stand-in mail relay (not a mail server)\r\n"));
  return new Promise((resolve, reject) => {
    server.once("error", reject);
    server.listen(port, host, () => resolve(server));
  });
}
