/**
 * JSON Schema validation for tests, as editors and Helm apply the generated
 * schemas: ajv with the standard formats (ajv-formats: email, uri...) and the
 * two zod emits that no JSON Schema library knows (cidrv4, cidrv6), checked
 * with zod's own patterns. Without them ajv ignores the formats and says so
 * on every compile.
 */
import { Ajv, type Options, type ValidateFunction } from "ajv";
import { default as addFormats } from "ajv-formats";
import { z } from "zod";

export function compileSchema(schema: object, options: Options = {}): ValidateFunction {
  const ajv = new Ajv({ allErrors: true, ...options });
  addFormats(ajv);
  ajv.addFormat("cidrv4", z.regexes.cidrv4);
  ajv.addFormat("cidrv6", z.regexes.cidrv6);
  return ajv.compile(schema);
}
