/**
 * The plan's network edges are the table of docs/architecture.md ("Security"), row by row: the
 * document is what this test reads, so the two cannot drift apart. The plan is the repository's
 * own platform.yaml (whose clusters have a directory) with an example backup store, so every
 * conditional edge is there, and an example municipality.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import type { NetworkEdge } from "../../core/plan.ts";
import { REPO_ROOT, examplePlan, platformWithStore } from "../../scripts/lib/example-plan.ts";

const DOC = "docs/architecture.md";

/** The rows of the first table under the "Security" heading whose header is from | to | port. */
function documentedEdges(): string[][] {
  const text = readFileSync(join(REPO_ROOT, DOC), "utf8");
  const section = text.slice(text.indexOf("\n## Security\n"));
  const lines = section.split("\n").map((line) => line.trim());
  const header = lines.indexOf("| from | to | port |");
  expect(header, `${DOC}: the Security section has no "| from | to | port |" table`).toBeGreaterThan(0);
  const rows: string[][] = [];
  for (const line of lines.slice(header + 2)) {
    if (!line.startsWith("|")) break;
    const [from, to, port] = line
      .slice(1, -1)
      .split("|")
      .map((cell) => cell.trim());
    // A peer's name comes first in its cell; what follows in parentheses explains it.
    const name = (cell = "") => cell.split(" (")[0]!.trim();
    rows.push([name(from), name(to), port ?? ""]);
  }
  return rows;
}

function peerName(peer: NetworkEdge["from"]): string {
  if (peer.kind !== "pods") return peer.name;
  return peer.components === "every pod" ? "every pod" : peer.components.join(", ");
}

/** "8000", "53 UDP and TCP"; an address outside the cluster (a relay, a directory) has the port platform.yaml gives it. */
function portText(edge: NetworkEdge): string {
  if (edge.to.kind === "addresses") return "set in `platform.yaml`";
  return edge.protocols.join() === "TCP" ? String(edge.port) : `${edge.port} ${edge.protocols.join(" and ")}`;
}

describe("the network edges", () => {
  const plan = examplePlan({ tier: "medio", phase: "production" }, platformWithStore());

  it(`are the table of ${DOC}, "Security", in its order`, () => {
    const planned = plan.network.edges.map((edge) => [peerName(edge.from), peerName(edge.to), portText(edge)]);
    expect(planned).toEqual(documentedEdges());
  });

  it("name a policy for each end in the namespace, and only for those", () => {
    for (const edge of plan.network.edges) {
      expect(edge.egress !== undefined, `${peerName(edge.from)} → ${peerName(edge.to)}: egress`).toBe(
        edge.from.kind === "pods",
      );
      expect(edge.ingress !== undefined, `${peerName(edge.from)} → ${peerName(edge.to)}: ingress`).toBe(
        edge.to.kind === "pods",
      );
    }
  });
});
