/**
 * The deploy half of `npm run demo` (scripts/demo.sh starts the cluster and
 * sets its environment): one example municipality with its pods running, from
 * a workspace like the end-to-end suite's (local images, waiting for
 * workloads), the ingress fixture in front of it, then how to reach it.
 */
import { spawnSync } from "node:child_process";
import { join } from "node:path";
import { createRunningWorkspace, requireEnv, storageManifest } from "./lib/e2e-workspace.ts";
import { installIngressFixture, testCaCertificate } from "./lib/ingress-fixture.ts";
import { kubectl } from "./lib/run.ts";

const NAME = "tiradentes"; // municipalities/tiradentes.yaml: pequeno-i, production
const INGRESS_NAMESPACE = "ingress-nginx";
const work = requireEnv("SEI_E2E_WORK");
const namespace = `sei-${NAME}`;
const domain = `sei.${NAME}.mg.gov.br`;

const workspace = createRunningWorkspace([NAME], {
  // Nothing listens there: the stand-in sends no mail; a real relay would be platform.yaml's.
  mail: { host: requireEnv("SEI_E2E_HOST_IP"), port: 2525 },
  jodOn: ["pequeno-i", "pequeno-ii"],
  into: join(work, "workspace"),
});
await kubectl(["apply", "-f", "-"], storageManifest([NAME]));

console.error(
  `demo: cdktf deploy sei-${NAME}: Terraform, then Helm (first install, updater, every pod Ready); about a minute`,
);
const started = Date.now();
const deployed = spawnSync(
  "npx",
  ["cdktf", "deploy", `sei-${NAME}`, "--auto-approve", "--skip-provider-lock", "--no-color"],
  {
    cwd: workspace,
    env: { ...process.env, SEI_ONLY: NAME, CI: "1" },
    stdio: ["ignore", "inherit", "inherit"],
  },
);
if (deployed.status !== 0) {
  console.error(`demo: the deploy failed (above); look with: kubectl -n ${namespace} get pods,events`);
  process.exit(1);
}
await installIngressFixture([namespace], INGRESS_NAMESPACE);
const seconds = Math.round((Date.now() - started) / 1000);
const pods = await kubectl(["-n", namespace, "get", "pods"]);

console.log(`
SEI! Municípios demo: ${NAME} (pequeno-i, production) runs in the local cluster, deployed in ${seconds} s.
The app is a STAND-IN, NOT SEI: it makes SEI's calls (databases, memcached, Solr, JOD, SIP through
its domain, the document repository) and serves a login-form stand-in. Solr and JOD are stand-ins too;
MariaDB and memcached are real. JOD is turned on in this workspace's pequeno tiers (off in the real ones).

${pods}
Use the cluster:   export KUBECONFIG=${requireEnv("KUBECONFIG")}
Reach the app:     kubectl -n ${namespace} port-forward svc/sei-app 8000:8000
                   then open http://localhost:8000/sei/ (redirects to ${domain}, which only the cluster resolves),
                   http://localhost:8000/sip/login.php?sigla_orgao_sistema=TIRADENTES&sigla_sistema=SEI
                   and http://localhost:8000/standin/dependencies.php (every dependency it reaches)
Through the Ingress (the ingress fixture, HTTPS with the local test CA):
                   kubectl -n ${INGRESS_NAMESPACE} port-forward svc/ingress-fixture 8443:443
                   curl --cacert ${testCaCertificate()} --resolve ${domain}:8443:127.0.0.1 https://${domain}:8443/sip/login.php
Change it:         edit ${workspace}/municipalities/${NAME}.yaml (tier, phase), then, in this checkout:
                   export SEI_E2E_WORK=${work}; eval "$(scripts/e2e/toolchain.sh)"; eval "$(scripts/e2e/cluster.sh env)"
                   (cd ${workspace} && SEI_ONLY=${NAME} npx cdktf deploy sei-${NAME} --auto-approve --skip-provider-lock)
                   (npm run demo again writes the workspace afresh from the repository's files)
Stop it:           npm run demo -- --down
`);
