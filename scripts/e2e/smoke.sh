#!/usr/bin/env bash
# Smoke check of the e2e toolchain and local cluster (not a unit test; takes ~2 min when built):
#  1. `helm lint` + `helm template` of a trivial chart;
#  2. plain Terraform config with the `pg` backend (PostgreSQL of cluster.sh) and the kubernetes, helm
#     and random providers from the offline mirror: a namespace, a PVC (wait_until_bound = false),
#     a helm_release of a local chart (wait = false) and a random_pet; apply, check, destroy;
#  3. the node (skipped with SEI_E2E_NODE=0): node-smoke.sh — Ready, a pod of every local image
#     Running under the "restricted" Pod Security level, DNS, NetworkPolicy enforced both ways.
# Starts the cluster if it is not running (and leaves it running; `cluster.sh stop` stops it).
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
# shellcheck source=../tools/lib.sh
. "$here/../tools/lib.sh"

"$here/cluster.sh" start
eval "$("$here/cluster.sh" env)"

dir="$(mktemp -d /tmp/sei-e2e-smoke.XXXXXX)"
trap 'rm -rf "$dir"' EXIT
ns="sei-smoke-$$"

# 1. helm
"$SEI_HELM" create "$dir/chart" >/dev/null
cat >"$dir/chart/templates/smoke-configmap.yaml" <<'EOF'
apiVersion: v1
kind: ConfigMap
metadata:
  name: {{ .Release.Name }}-smoke
data:
  greeting: {{ .Values.greeting | default "hello" | quote }}
EOF
"$SEI_HELM" lint "$dir/chart" >&2
"$SEI_HELM" template smoke "$dir/chart" --set greeting=hi >"$dir/rendered.yaml"
grep -q 'greeting: "hi"' "$dir/rendered.yaml" || sei_die "helm template did not render the values"
sei_log "helm lint/template ok ($(grep -c '^kind:' "$dir/rendered.yaml") objects)"

# A chart with only the ConfigMap, for helm_release (the default chart's Deployment never gets ready here).
mkdir -p "$dir/cm-chart/templates"
printf 'apiVersion: v2\nname: cm\nversion: 0.1.0\n' >"$dir/cm-chart/Chart.yaml"
cp "$dir/chart/templates/smoke-configmap.yaml" "$dir/cm-chart/templates/"

# 2. terraform
mkdir -p "$dir/tf"
cat >"$dir/tf/main.tf" <<EOF
terraform {
  backend "pg" {} # conn_str from PG_CONN_STR
  required_providers {
    kubernetes = { source = "hashicorp/kubernetes", version = "2.38.0" }
    helm       = { source = "hashicorp/helm", version = "3.1.1" }
    random     = { source = "hashicorp/random", version = "3.7.2" }
  }
}
provider "kubernetes" {}                          # KUBE_CONFIG_PATH
provider "helm" { kubernetes = { config_path = "$KUBECONFIG" } }

resource "random_pet" "p" {}

resource "kubernetes_namespace_v1" "ns" {
  metadata {
    name   = "$ns"
    labels = { pet = random_pet.p.id }
  }
}

resource "kubernetes_persistent_volume_claim_v1" "data" {
  metadata {
    name      = "data"
    namespace = kubernetes_namespace_v1.ns.metadata[0].name
  }
  spec {
    access_modes = ["ReadWriteOnce"]
    resources { requests = { storage = "1Gi" } }
  }
  wait_until_bound = false
}

resource "helm_release" "cm" {
  name      = "smoke"
  namespace = kubernetes_namespace_v1.ns.metadata[0].name
  chart     = "$dir/cm-chart"
  wait      = false
  set       = [{ name = "greeting", value = "from-terraform" }]
}
EOF
tf() { (cd "$dir/tf" && TF_IN_AUTOMATION=1 "$SEI_E2E_TERRAFORM" "$@" -no-color -input=false); }
t0=$SECONDS
tf init -backend-config="schema_name=sei_smoke_$$" >"$dir/init.log" 2>&1 || { cat "$dir/init.log" >&2; sei_die "terraform init failed"; }
tf apply -auto-approve >"$dir/apply.log" 2>&1 || { cat "$dir/apply.log" >&2; sei_die "terraform apply failed"; }
kubectl -n "$ns" get pvc data -o jsonpath='{.status.phase}{"\n"}' >&2
[[ "$(kubectl -n "$ns" get configmap smoke-smoke -o jsonpath='{.data.greeting}')" == from-terraform ]] ||
  sei_die "helm_release did not create the ConfigMap"
"$SEI_E2E_PG_BINDIR/psql" "$SEI_E2E_PG_CONN" -tAc "select count(*) from sei_smoke_$$.states" | grep -q 1 ||
  sei_die "no state in the pg backend"
tf destroy -auto-approve >"$dir/destroy.log" 2>&1 || { cat "$dir/destroy.log" >&2; sei_die "terraform destroy failed"; }
if kubectl get namespace "$ns" >/dev/null 2>&1; then sei_die "namespace $ns still exists after destroy"; fi
"$SEI_E2E_PG_BINDIR/psql" "$SEI_E2E_PG_CONN" -qc "drop schema sei_smoke_$$ cascade" >/dev/null
sei_log "terraform init/apply/destroy ok in $((SECONDS - t0))s"

if [[ "${SEI_E2E_NODE:-1}" == 1 ]]; then
  "$here/node-smoke.sh"
  echo "smoke: 3 passed, 0 failed"
else
  echo "smoke: 2 passed, 0 failed"
fi
