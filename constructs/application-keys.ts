/**
 * ApplicationKeys: the keys SEI's applications share, generated at deploy
 * time into the application Secret (secrets.app): SEI's and SIP's access keys,
 * of the shape SIP accepts (docs/images.md, "Access keys"), and the Solr
 * password. The database's credentials are Database's; these change for
 * other reasons (SIP's registry of systems, Solr) and so live apart.
 *
 * Never replaced (GeneratedSecret's prevent_destroy): new access keys break
 * SEI↔SIP. Until they moved here they were part of Database, and a stack
 * deployed then keeps them at their former addresses in its state: each
 * resource names its former address in a `moved` block, so the engine renames
 * it in the state instead of destroying one key and creating another.
 *
 * The Solr password rotates as a reviewed change (spec.rotation.solrPassword,
 * docs/runbooks/rotate-credentials.md) with a user of its own per generation:
 * the Secret holds the newest user and password, and from the first rotation
 * on the previous ones, which the rotation Jobs and Solr's init container read.
 */
import { TerraformResource, type Construct } from "../runtime/cdktf.ts";
import { SIP_SYSTEMS, accessKeyShape } from "../core/image-contract.ts";
import { ACCESS_KEYS_GENERATION_ANNOTATION, SECRET_KEYS, SOLR_GENERATION_ANNOTATION } from "../core/naming.ts";
import type { PasswordRotationPlan } from "../core/plan.ts";
import { GeneratedSecret } from "./generated-secret.ts";

/**
 * Each resource's address while the keys were Database's "AppSecrets" (the
 * ids the construct path hashed to then: they are the same in every stack).
 */
const FORMER_ADDRESSES = {
  Resource: "kubernetes_secret_v1.Database_AppSecrets_D6176A18",
  seiAccessKey: "random_password.Database_AppSecrets_seiAccessKey_A65CFC08",
  sipAccessKey: "random_password.Database_AppSecrets_sipAccessKey_671F4A86",
  solrPassword: "random_password.Database_AppSecrets_solrPassword_B2F4DCCD",
} as const;

export class ApplicationKeys extends GeneratedSecret {
  constructor(
    scope: Construct,
    id: string,
    props: {
      readonly namespace: string;
      /** The same namespace as a plain name (the plan reads the live Secret there: GeneratedSecret). */
      readonly namespaceName: string;
      readonly name: string;
      readonly solr: PasswordRotationPlan["solr"];
      readonly accessKeys: PasswordRotationPlan["accessKeys"];
    },
  ) {
    const { solr } = props;
    const rotation = SECRET_KEYS.solrRotation;
    super(scope, id, {
      namespace: props.namespace,
      namespaceName: props.namespaceName,
      name: props.name,
      // The users are names, not secrets: the Secret holds them beside the passwords SEI logs in with.
      literals: {
        [SECRET_KEYS.app.solrUsername]: solr.user,
        ...(solr.previousUser === null ? {} : { [rotation.previousUsername]: solr.previousUser }),
      },
      rotations: [
        {
          ids: ["solrPassword"],
          generation: solr.generation,
          annotation: SOLR_GENERATION_ANNOTATION,
          field: "spec.rotation.solrPassword",
          previousKeys: { solrPassword: rotation.previousPassword },
        },
        {
          // Each key keeps its system's crc prefix (accessKeyShape): a new generation is a new random part.
          ids: ["seiAccessKey", "sipAccessKey"],
          generation: props.accessKeys.generation,
          annotation: ACCESS_KEYS_GENERATION_ANNOTATION,
          field: "spec.rotation.accessKeys",
        },
      ],
      // The ids are a contract: renaming one regenerates that key.
      keys: {
        seiAccessKey: accessKeyShape(SIP_SYSTEMS.sei),
        sipAccessKey: accessKeyShape(SIP_SYSTEMS.sip),
        solrPassword: SECRET_KEYS.app.solrPassword,
      },
    });
    for (const [child, former] of Object.entries(FORMER_ADDRESSES)) {
      const resource = this.node.findChild(child);
      if (!TerraformResource.isTerraformResource(resource)) throw new Error(`ApplicationKeys: ${child} is no resource`);
      resource.moveFromId(former);
    }
  }
}
