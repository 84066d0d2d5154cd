// Who a request is: the admin token (system:masters), a ServiceAccount token devcluster issued, or —
// for the admin only — whoever `Impersonate-User`/`Impersonate-Group` name (kubectl --as, --as-group).
import { timingSafeEqual } from "node:crypto";
import type { IncomingMessage } from "node:http";
import type { UserInfo } from "./rbac-authorizer.ts";
import type { ServiceAccountTokens } from "./service-account-tokens.ts";

export interface Authenticator {
  adminToken: string;
  serviceAccounts: ServiceAccountTokens;
}

export type Authentication =
  | { type: "user"; user: UserInfo }
  | { type: "unauthenticated" }
  | { type: "impersonationForbidden"; user: UserInfo; target: string };

const admin: UserInfo = { name: "kubernetes-admin", groups: ["system:masters", "system:authenticated"] };

function serviceAccountUser(namespace: string, name: string, extraGroups: string[] = []): UserInfo {
  const groups = [
    "system:serviceaccounts",
    `system:serviceaccounts:${namespace}`,
    ...extraGroups,
    "system:authenticated",
  ];
  return { name: `system:serviceaccount:${namespace}:${name}`, groups };
}

function headerList(request: IncomingMessage, name: string): string[] {
  const value = request.headers[name];
  const values = Array.isArray(value) ? value : value !== undefined ? [value] : [];
  return values
    .flatMap((entry) => entry.split(","))
    .map((entry) => entry.trim())
    .filter(Boolean);
}

function sameToken(given: string, expected: string): boolean {
  const a = Buffer.from(given);
  const b = Buffer.from(expected);
  return a.length === b.length && timingSafeEqual(a, b);
}

export function authenticate(request: IncomingMessage, authenticator: Authenticator): Authentication {
  const match = /^Bearer\s+(.+)$/i.exec(request.headers.authorization ?? "");
  if (!match) return { type: "unauthenticated" };
  const token = match[1]!.trim();
  let user: UserInfo;
  if (sameToken(token, authenticator.adminToken)) user = admin;
  else {
    const account = authenticator.serviceAccounts.verify(token);
    if (!account) return { type: "unauthenticated" };
    user = serviceAccountUser(account.namespace, account.name);
  }
  const [target] = headerList(request, "impersonate-user");
  if (target === undefined) return { type: "user", user };
  if (!user.groups.includes("system:masters")) return { type: "impersonationForbidden", user, target };
  const groups = headerList(request, "impersonate-group");
  const account = /^system:serviceaccount:([^:]+):([^:]+)$/.exec(target);
  if (account) return { type: "user", user: serviceAccountUser(account[1]!, account[2]!, groups) };
  return { type: "user", user: { name: target, groups: [...groups, "system:authenticated"] } };
}
