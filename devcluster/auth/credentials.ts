// The server's TLS certificate, its CA and the bearer token: generated at first start, kept in the data dir.
import { randomBytes } from "node:crypto";
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { generate } from "selfsigned";

export interface Credentials {
  /** PEM of the CA that signed the server certificate (goes into the kubeconfig). */
  caCertificate: string;
  certificate: string;
  privateKey: string;
  token: string;
}

const files = { caCertificate: "ca.crt", certificate: "server.crt", privateKey: "server.key", token: "token" } as const;

/** Reads the credentials from `dataDir`, creating them on first use. */
export async function loadOrCreateCredentials(
  dataDir: string,
  extraHosts: readonly string[] = [],
): Promise<Credentials> {
  const paths = Object.fromEntries(Object.entries(files).map(([key, file]) => [key, join(dataDir, file)])) as Record<
    keyof Credentials,
    string
  >;
  if (Object.values(paths).every((path) => existsSync(path))) {
    return {
      caCertificate: readFileSync(paths.caCertificate, "utf8"),
      certificate: readFileSync(paths.certificate, "utf8"),
      privateKey: readFileSync(paths.privateKey, "utf8"),
      token: readFileSync(paths.token, "utf8").trim(),
    };
  }
  mkdirSync(dataDir, { recursive: true });
  const notAfterDate = new Date(Date.now() + 10 * 365 * 24 * 3600_000);
  const ca = await generate([{ name: "commonName", value: "kontinue-devcluster-ca" }], {
    keyType: "ec",
    algorithm: "sha256",
    notAfterDate,
    extensions: [
      { name: "basicConstraints", cA: true, critical: true },
      { name: "keyUsage", keyCertSign: true, cRLSign: true, digitalSignature: true, critical: true },
    ],
  });
  const ipHosts = ["127.0.0.1", "::1", ...extraHosts.filter((host) => /^[\d.:]+$/.test(host))];
  const dnsHosts = [
    "localhost",
    "kubernetes",
    "kubernetes.default",
    ...extraHosts.filter((host) => !/^[\d.:]+$/.test(host)),
  ];
  const server = await generate([{ name: "commonName", value: "kontinue-devcluster" }], {
    keyType: "ec",
    algorithm: "sha256",
    notAfterDate,
    ca: { key: ca.private, cert: ca.cert },
    extensions: [
      { name: "basicConstraints", cA: false },
      { name: "keyUsage", digitalSignature: true, keyEncipherment: true },
      { name: "extKeyUsage", serverAuth: true },
      {
        name: "subjectAltName",
        altNames: [
          ...dnsHosts.map((value) => ({ type: 2 as const, value })),
          ...ipHosts.map((ip) => ({ type: 7 as const, ip })),
        ],
      },
    ],
  });
  const credentials: Credentials = {
    caCertificate: ca.cert,
    certificate: server.cert,
    privateKey: server.private,
    token: randomBytes(24).toString("base64url"),
  };
  writeFileSync(paths.caCertificate, credentials.caCertificate);
  writeFileSync(paths.certificate, credentials.certificate);
  writeFileSync(paths.privateKey, credentials.privateKey, { mode: 0o600 });
  writeFileSync(paths.token, `${credentials.token}\n`, { mode: 0o600 });
  return credentials;
}
