/**
 * SEI's and SIP's access keys as tests make and check them, written independently of the PHP that
 * stores them (charts/sei/files/bootstrap/first-install.php): bcryptjs, node's md5 and crc32.
 */
import { createHash, randomInt } from "node:crypto";
import { crc32 } from "node:zlib";
import bcrypt from "bcryptjs";
import { ACCESS_KEY } from "../../core/image-contract.ts";

/** SIP's verification: crc = crc32b(id) = key prefix, bcrypt(md5(rest)) = stored hash. */
export function sipAccepts(key: string, row: { id: number; crc: string; hash: string }): boolean {
  const crc = crc32(String(row.id)).toString(16).padStart(8, "0");
  const md5 = createHash("md5").update(key.slice(ACCESS_KEY.crcLength)).digest("hex");
  return ACCESS_KEY.pattern.test(key) && key.startsWith(crc) && row.crc === crc && bcrypt.compareSync(md5, row.hash);
}

/** A key as Terraform generates it: the system's crc, then 64 random [0-9a-z]. */
export function newKey(idSistema: number): string {
  const alphabet = "0123456789abcdefghijklmnopqrstuvwxyz";
  const rest = Array.from(
    { length: ACCESS_KEY.length - ACCESS_KEY.crcLength },
    () => alphabet[randomInt(alphabet.length)],
  ).join("");
  return crc32(String(idSistema)).toString(16).padStart(8, "0") + rest;
}
