// The HTTP transport for registries: undici's EnvHttpProxyAgent (HTTPS_PROXY, HTTP_PROXY, NO_PROXY,
// lower-case forms first, as curl reads them) with an optional extra CA bundle (`--registry-ca`) trusted
// besides the system's roots, both for direct connections and for TLS tunnelled through a proxy.
import { rootCertificates } from "node:tls";
import { EnvHttpProxyAgent, type Dispatcher } from "undici";

export interface RegistryDispatcherOptions {
  /** Where the proxy variables are read (default process.env). */
  env?: NodeJS.ProcessEnv;
  /** PEM certificates trusted besides the system roots (a private registry's CA). */
  ca?: string;
}

export function registryDispatcher(options: RegistryDispatcherOptions = {}): Dispatcher {
  const env = options.env ?? process.env;
  const tls = options.ca ? { ca: [...rootCertificates, options.ca] } : {};
  return new EnvHttpProxyAgent({
    httpProxy: env.http_proxy ?? env.HTTP_PROXY ?? "",
    httpsProxy: env.https_proxy ?? env.HTTPS_PROXY ?? "",
    noProxy: env.no_proxy ?? env.NO_PROXY ?? "",
    connect: tls,
    requestTls: tls,
  });
}
