/**
 * The Terraform backend of one municipality's stack, from platform.yaml
 * (one state per municipality: the plan already carries the per-stack path,
 * key, schema or secret suffix).
 *
 * One small backend class for the four kinds, rather than cdktf's per-kind
 * classes: cdktf 0.21 has no kubernetes backend class, its pg class requires
 * `conn_str`, and its s3 class lacks `use_lockfile`.
 *
 * - local: platform.yaml's folder is relative to the repository; the stack
 *   reaches it relative to its own folder (where the engine runs), so the
 *   stack holds no checkout path and the state stays outside cdktf.out,
 *   where it would vanish with the next clean synth.
 * - pg: `conn_str` is left unset on purpose. Terraform's pg backend reads
 *   the `PG_CONN_STR` environment variable, so a password in the connection
 *   string never reaches cdktf.out.
 * - s3: state encrypted at rest and locked with a lock file (Terraform and
 *   OpenTofu ≥ 1.10); a custom endpoint (Ceph RGW, MinIO) is addressed
 *   path-style, which every S3-compatible store accepts.
 * - kubernetes: a Secret per municipality, `tfstate-default-<suffix>`.
 */
import { isAbsolute, posix } from "node:path";
import { TerraformBackend, type Construct, type TerraformRemoteState } from "../runtime/cdktf.ts";
import type { InstancePlan, StateBackendPlan } from "../core/plan.ts";

export class StateBackend extends TerraformBackend {
  constructor(
    scope: Construct,
    private readonly attributes: Readonly<Record<string, unknown>>,
    type: StateBackendPlan["type"],
  ) {
    super(scope, "backend", type);
  }

  protected override synthesizeAttributes(): Record<string, unknown> {
    return { ...this.attributes };
  }

  protected override synthesizeHclAttributes(): Record<string, unknown> {
    return { ...this.attributes };
  }

  public getRemoteStateDataSource(): TerraformRemoteState {
    throw new Error("municipality stacks never read each other's state");
  }
}

/** Terraform's pg backend reads the connection string from this variable when `conn_str` is unset. */
export const PG_CONN_STR = "PG_CONN_STR";

/**
 * The backend attributes for a plan's state backend; `rootFromStack` (the
 * repository root seen from the stack folder, "../../.." under cdktf.out)
 * anchors a relative local path.
 */
export function backendAttributes(backend: StateBackendPlan, rootFromStack: string): Record<string, unknown> {
  const s = backend.settings;
  switch (backend.type) {
    case "local": {
      const path = required(s, "path", backend.type);
      return { path: isAbsolute(path) ? path : posix.join(rootFromStack, path) };
    }
    case "pg":
      return { schema_name: required(s, "schemaName", backend.type) };
    case "s3":
      return {
        bucket: required(s, "bucket", backend.type),
        key: required(s, "key", backend.type),
        region: required(s, "region", backend.type),
        encrypt: true,
        use_lockfile: true,
        ...(s.endpoint ? { endpoints: { s3: s.endpoint }, use_path_style: true } : {}),
      };
    case "kubernetes":
      return {
        secret_suffix: required(s, "secretSuffix", backend.type),
        namespace: required(s, "namespace", backend.type),
        ...(s.configPath ? { config_path: s.configPath } : {}),
      };
  }
}

function required(settings: Readonly<Record<string, string>>, key: string, type: string): string {
  const value = settings[key];
  if (value === undefined) throw new Error(`state backend ${type}: the plan has no "${key}" setting`);
  return value;
}

/**
 * What the operator must know before deploying with these plans' backends:
 * platform.yaml may name another variable for the pg connection string, but
 * Terraform reads only PG_CONN_STR (and conn_str is never synthesized).
 */
export function backendNotes(plans: readonly InstancePlan[]): string[] {
  const names = new Set(
    plans
      .flatMap((p) => (p.stateBackend.type === "pg" ? [p.stateBackend.settings.connectionStringEnv] : []))
      .filter((n) => n && n !== PG_CONN_STR),
  );
  return [...names].map(
    (name) =>
      `note: the pg state backend reads its connection string from ${PG_CONN_STR}; platform.yaml keeps it in ${name}: export ${PG_CONN_STR}="$${name}" before cdktf deploy`,
  );
}
