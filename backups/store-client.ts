/**
 * A signed request to an S3-compatible store and its admin API: the few calls
 * provisioning and pruning make (bucket, versioning, policy, user), signed with
 * AWS Signature V4 by aws4 (small, widely used), sent with node:https so the
 * store's private CA (platform.yaml backupStore.ca) can be trusted for it alone.
 */
import { request as httpsRequest } from "node:https";
import aws4 from "aws4";
import { printable } from "../core/printable.ts";

export interface StoreCredential {
  readonly accessKeyId: string;
  readonly secretAccessKey: string;
}

export interface StoreTarget {
  /** https://host[:port]; tests may use http. */
  readonly endpoint: string;
  readonly region: string;
  /** PEM of the CA to trust instead of the system's, or null. */
  readonly ca: string | null;
}

export interface StoreResponse {
  readonly status: number;
  readonly body: string;
  /** The answer's headers, names in lower case (an object's ETag and Last-Modified, the store's Date). */
  readonly headers: Readonly<Record<string, string | string[] | undefined>>;
}

export interface StoreRequest {
  readonly method: "GET" | "HEAD" | "PUT" | "PATCH" | "DELETE" | "POST";
  /** Path with its query, as S3 wants it ("/bucket?versioning"). */
  readonly path: string;
  readonly body?: string;
  readonly headers?: Readonly<Record<string, string>>;
}

/** Answers larger than this are an error: no call here expects more than a policy or a listing page. */
const MAX_RESPONSE_BYTES = 4 * 1024 * 1024;
const TIMEOUT_MS = 60_000;

export async function storeRequest(
  target: StoreTarget,
  credential: StoreCredential,
  { method, path, body = "", headers = {} }: StoreRequest,
): Promise<StoreResponse> {
  const url = new URL(target.endpoint);
  const signed = aws4.sign(
    {
      host: url.host,
      path,
      method,
      service: "s3",
      region: target.region,
      body,
      headers: { ...headers, "X-Amz-Content-Sha256": "UNSIGNED-PAYLOAD" },
    },
    credential,
  );
  const transport = url.protocol === "https:" ? httpsRequest : (await import("node:http")).request;
  return new Promise((resolve, reject) => {
    const req = transport(
      {
        protocol: url.protocol,
        hostname: url.hostname,
        port: url.port,
        method,
        path,
        headers: signed.headers as Record<string, string>,
        timeout: TIMEOUT_MS,
        ...(target.ca && url.protocol === "https:" ? { ca: target.ca } : {}),
      },
      (res) => {
        const chunks: Buffer[] = [];
        let size = 0;
        res.on("data", (chunk: Buffer) => {
          size += chunk.length;
          if (size > MAX_RESPONSE_BYTES) {
            req.destroy(new Error(`the store at ${target.endpoint} answered ${method} ${path} with more than 4 MiB`));
            return;
          }
          chunks.push(chunk);
        });
        res.on("end", () =>
          resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString("utf8"), headers: res.headers }),
        );
        res.on("error", reject);
      },
    );
    req.on("timeout", () => req.destroy(new Error(`the store at ${target.endpoint} did not answer in 60 s`)));
    req.on("error", reject);
    req.end(body);
  });
}

/** The request, or an error that names the call and the store's own code and message. */
export async function expectStatus(
  target: StoreTarget,
  credential: StoreCredential,
  call: StoreRequest,
  what: string,
  ok: readonly number[] = [200, 201, 204],
): Promise<StoreResponse> {
  const response = await storeRequest(target, credential, call);
  if (ok.includes(response.status)) return response;
  throw new StoreError(`${what}: the store answered ${response.status} ${errorText(response.body)}`.trim(), response);
}

export class StoreError extends Error {
  constructor(
    message: string,
    readonly response: StoreResponse,
  ) {
    super(message);
  }
}

/** "<Code>: <Message>" of an S3 error document, at most 300 characters, control characters escaped. */
export function errorText(body: string): string {
  const field = (name: string) => new RegExp(`<${name}>([^<]{0,300})</${name}>`).exec(body)?.[1] ?? "";
  return printable([field("Code"), field("Message")].filter(Boolean).join(": "), 300);
}
