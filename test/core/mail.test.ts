/**
 * SMTP authentication in the plan: the platform's account, a municipality's own
 * instead, or none; and the files that name one are checked before anything is
 * planned (a password never appears in them: only the Secret that holds it).
 */
import { describe, expect, it } from "vitest";
import { loadFleet } from "../../core/load-fleet.ts";
import { planInstance } from "../../core/resolve/instance.ts";
import { municipalitySchema } from "../../core/schema/municipality.ts";
import { platformSchema, type Platform } from "../../core/schema/platform.ts";
import { REPO_ROOT, exampleMunicipality } from "../../scripts/lib/example-plan.ts";
import { workingTree } from "../../sources/working-tree.ts";

const fleet = loadFleet({ source: workingTree(REPO_ROOT) });
const platformAccount = {
  username: "sei-prodemge",
  passwordSecret: { namespace: "sei-platform", name: "sei-mail", key: "password" },
};
const ownAccount = {
  username: "sei@exemplo.mg.gov.br",
  passwordSecret: { namespace: "sei-platform", name: "exemplo-mail", key: "senha" },
};
/** What the chart gets: the user, and the key of the namespace's copy of the Secret. */
const inRelease = (account: typeof platformAccount) => ({
  username: account.username,
  passwordSecret: { name: "sei-mail-password", key: account.passwordSecret.key },
});

function mailOf(platformAuthentication?: typeof platformAccount, own?: typeof ownAccount) {
  const loaded = fleet.platform!;
  const platform: Platform = {
    ...loaded,
    spec: { ...loaded.spec, mail: { ...loaded.spec.mail, authentication: platformAuthentication } },
  };
  const municipality = exampleMunicipality({ tier: "medio", phase: "production" });
  const withOwn = own
    ? { ...municipality, spec: { ...municipality.spec, mail: { authentication: own } } }
    : municipality;
  const { env } = planInstance({ municipality: withOwn, tier: fleet.tiers.get("medio")!, platform, sourceFile: "test" })
    .release!.values;
  // The SEI images' SMTP user (a setting) and password (a Secret key, never a value).
  const username = env.settings.find((s) => s.name === "APP_MAIL_USUARIO")?.value;
  const password = env.app.find((e) => e.name === "APP_MAIL_SENHA");
  if (password && !("valueFrom" in password)) throw new Error("APP_MAIL_SENHA is a value, not a Secret key");
  return { username, authentication: password ? { username, passwordSecret: password.valueFrom.secretKeyRef } : null };
}

describe("SMTP authentication", () => {
  it("uses the platform's account, a municipality's own instead, or none", () => {
    expect(mailOf()).toEqual({ username: "", authentication: null });
    expect(mailOf(platformAccount).authentication).toEqual(inRelease(platformAccount));
    expect(mailOf(platformAccount, ownAccount).authentication).toEqual(inRelease(ownAccount));
    expect(mailOf(undefined, ownAccount).authentication).toEqual(inRelease(ownAccount));
  });

  it("refuses an account with a space in its user or a Secret that is no Kubernetes name, and a password in the file", () => {
    const platform = platformSchema.shape.spec.shape.mail;
    const base = { host: "smtp.exemplo", port: 587, security: "TLS", cidr: "10.0.0.1/32" };
    expect(platform.safeParse({ ...base, authentication: platformAccount }).success).toBe(true);
    expect(
      platform.safeParse({ ...base, authentication: { ...platformAccount, username: "sei prodemge" } }).success,
    ).toBe(false);
    expect(
      platform.safeParse({
        ...base,
        authentication: { ...platformAccount, passwordSecret: { name: "Mail", key: "p" } },
      }).success,
    ).toBe(false);
    expect(platform.safeParse({ ...base, authentication: { ...platformAccount, password: "x" } }).success).toBe(false);
    // The Secret's namespace is PRODEMGE's and must be named: the stack copies the Secret from there.
    expect(
      platform.safeParse({
        ...base,
        authentication: { ...platformAccount, passwordSecret: { name: "sei-mail", key: "password" } },
      }).success,
    ).toBe(false);
    const own = municipalitySchema.shape.spec.shape.mail;
    expect(own.safeParse({ authentication: ownAccount }).success).toBe(true);
    expect(own.safeParse({ authentication: { username: "sei", password: "x" } }).success).toBe(false);
  });
});
