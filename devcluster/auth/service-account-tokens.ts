// Tokens devcluster issues to ServiceAccounts (the node agent puts one in each Pod's kubeconfig):
// `<namespace>:<name>` signed with HMAC-SHA256 under a key only the server holds.
import { createHmac, timingSafeEqual } from "node:crypto";

export interface ServiceAccountRef {
  namespace: string;
  name: string;
}

const prefix = "kontinue-sa";

export class ServiceAccountTokens {
  readonly #key: string;

  /** `key`: the secret tokens are signed with (devcluster uses its admin token). */
  constructor(key: string) {
    this.#key = key;
  }

  issue(account: ServiceAccountRef): string {
    const subject = Buffer.from(`${account.namespace}:${account.name}`).toString("base64url");
    return `${prefix}.${subject}.${this.#sign(subject)}`;
  }

  /** The ServiceAccount a token was issued to, or undefined when it is not one of ours. */
  verify(token: string): ServiceAccountRef | undefined {
    const [head, subject, signature, ...rest] = token.split(".");
    if (head !== prefix || !subject || !signature || rest.length > 0) return undefined;
    const expected = Buffer.from(this.#sign(subject));
    const given = Buffer.from(signature);
    if (expected.length !== given.length || !timingSafeEqual(expected, given)) return undefined;
    const [namespace, name, ...more] = Buffer.from(subject, "base64url").toString("utf8").split(":");
    return namespace && name && more.length === 0 ? { namespace, name } : undefined;
  }

  #sign(subject: string): string {
    return createHmac("sha256", this.#key).update(subject).digest("base64url");
  }
}
