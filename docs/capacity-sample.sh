#!/usr/bin/env bash
# Regenerates the sample in docs/capacity.md (between the sample markers) and
# docs/capacity-sample.svg: `sei-infra capacity` on a sample change to the
# example municipalities of this repository, in a throwaway git repository.
#
# The sample change: Serra da Saudade's contract is published on the PNCP
# (contracted → provisioning), Ouro Preto gets a larger document repository
# (override), Tiradentes buys the pequeno-ii tier (a population-band warning),
# the pequeno-ii tier gives the app more memory (tier definition), and Mariana
# signs a contract (added, pipeline).
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

mkdir -p "$work/data/ibge"
cp -r "$root/platform.yaml" "$root/tiers" "$root/municipalities" "$work/"
cp "$root/data/ibge/minas-gerais.csv" "$work/data/ibge/"
cd "$work"
# Fixed identities and dates: the same commits, so the same report, on every run.
export GIT_AUTHOR_NAME=sample GIT_AUTHOR_EMAIL=sample@example.org GIT_COMMITTER_NAME=sample GIT_COMMITTER_EMAIL=sample@example.org
export GIT_AUTHOR_DATE=2026-07-01T12:00:00Z GIT_COMMITTER_DATE=2026-07-01T12:00:00Z
git init -q -b main
git add .
git commit -q -m "examples"

sed -i 's/^  phase: contracted$/  phase: provisioning/; s|^    signedOn: 2026-06-30$|    signedOn: 2026-06-30\n    pncpId: "11222333000181-2-000102/2026"|' municipalities/serra-da-saudade.yaml
printf '  overrides:\n    documentsStorage: 600Gi\n' >> municipalities/ouro-preto.yaml
sed -i 's/^  tier: pequeno-i$/  tier: pequeno-ii/' municipalities/tiradentes.yaml
sed -i 's/requests: { cpu: 250m, memory: 768Mi }/requests: { cpu: 250m, memory: 1Gi }/' tiers/pequeno-ii.yaml
cat > municipalities/mariana.yaml <<'YAML'
apiVersion: sei.mg.gov.br/v1
kind: Municipality
metadata:
  name: mariana
spec:
  ibgeCode: "3140001"
  displayName: Mariana
  population: 61387
  tier: medio
  phase: contracted
  contract:
    number: "131/2026"
    signedOn: 2026-07-20
  domain: sei.mariana.mg.gov.br
  team:
    projectManager: { name: Ana Souza, email: ana.souza@example.org }
    businessLead: { name: Bruno Lima, email: bruno.lima@example.org }
    itLead: { name: Carla Dias, email: carla.dias@example.org }
YAML
git add .
git commit -q -m "sample change"

report="$(node "$root/bin/sei-infra.js" capacity --base HEAD~1 --head HEAD --format markdown --chart "$root/docs/capacity-sample.svg")"
# shellcheck disable=SC2016 # a JavaScript program: its $ are JavaScript's
node -e '
  const fs = require("node:fs");
  const [doc, report] = [process.argv[1], process.argv[2]];
  const text = fs.readFileSync(doc, "utf8");
  const begin = "<!-- sample:begin -->\n", end = "<!-- sample:end -->";
  const from = text.indexOf(begin), to = text.indexOf(end);
  if (from < 0 || to < from) throw new Error(`${doc}: sample markers not found`);
  fs.writeFileSync(doc, text.slice(0, from + begin.length) + report.trimEnd() + "\n\n" + text.slice(to));
' "$root/docs/capacity.md" "$report"
echo "updated docs/capacity.md and docs/capacity-sample.svg"
