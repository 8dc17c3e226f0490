/**
 * charts/sei/files/solr-init.sh writes Solr's security.json in bash (the Solr
 * image has no other tool for it). Its password hash must be exactly what
 * Solr's Sha256AuthenticationProvider computes, or SEI could never log in.
 */
import { execFileSync } from "node:child_process";
import { createHash } from "node:crypto";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { CHART_DIR } from "./support.ts";

const SCRIPT = join(CHART_DIR, "files", "solr-init.sh");

/** Calls one function of the script (sourcing it defines functions only). */
function call(fn: string, ...args: string[]): string {
  return execFileSync("bash", ["-c", `source "$1"; shift; ${fn} "$@"`, "bash", SCRIPT, ...args], { encoding: "utf8" });
}

/** Solr's algorithm: base64(sha256(sha256(salt + password))) + " " + base64(salt). */
function solrHash(password: string, salt: Buffer): string {
  const first = createHash("sha256").update(salt).update(Buffer.from(password, "utf8")).digest();
  const second = createHash("sha256").update(first).digest();
  return `${second.toString("base64")} ${salt.toString("base64")}`;
}

describe("solr-init.sh", () => {
  it("hashes like Solr: the reference guide's example user solr/SolrRocks", () => {
    const salt = Buffer.from("Ndd7LKvVBAaZIF0QAVi1ekCfAJXr1GGfLtRUXhgrF8c=", "base64");
    expect(call("solr_password_hash", "SolrRocks", salt.toString("hex"))).toBe(
      "IV0EHq1OnNrj6gvRCwvFwTrZ1+z1oBbnQdiVC3otuq0= Ndd7LKvVBAaZIF0QAVi1ekCfAJXr1GGfLtRUXhgrF8c=",
    );
  });

  it.each(["s3nha-Forte_123", "çãé ünïcode", "with\"quote'and$dollar"])(
    "hashes %j like Solr, with a salt holding zero bytes",
    (password) => {
      const salt = Buffer.alloc(32, 0);
      salt.write("\u0001salt", 7);
      expect(call("solr_password_hash", password, salt.toString("hex"))).toBe(solrHash(password, salt));
    },
  );

  it("draws a new 32-byte salt when none is given", () => {
    const [hash, salt] = call("solr_password_hash", "x").split(" ");
    expect(Buffer.from(salt!, "base64")).toHaveLength(32);
    expect(`${hash} ${salt}`).toBe(solrHash("x", Buffer.from(salt!, "base64")));
  });

  it("writes a security.json with basic auth for the user and open probe paths only", () => {
    const json = JSON.parse(call("security_json", "sei", "HASH SALT")) as {
      authentication: { class: string; credentials: Record<string, string> };
      authorization: {
        "user-role": Record<string, string[]>;
        permissions: { name: string; role: string | null; path?: string }[];
      };
    };
    expect(json.authentication).toMatchObject({ class: "solr.BasicAuthPlugin", credentials: { sei: "HASH SALT" } });
    expect(json.authorization["user-role"]).toEqual({ sei: ["admin"] });
    const open = json.authorization.permissions.filter((p) => p.role === null).map((p) => p.path);
    expect(open).toEqual(["/admin/info/system", "/admin/ping"]);
    expect(json.authorization.permissions.at(-1)).toEqual({ name: "all", role: "admin" });
  });
});
