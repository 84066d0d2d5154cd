// One readiness or liveness probe, as the kubelet runs it: httpGet to the Pod's IP (2xx/3xx succeed),
// tcpSocket (a connection succeeds) or exec (not supported on this node: counts as success, said once).
import { request } from "node:http";
import { connect } from "node:net";

export interface Probe {
  httpGet?: {
    path?: string;
    port?: number | string;
    host?: string;
    scheme?: string;
    httpHeaders?: { name: string; value: string }[];
  };
  tcpSocket?: { port?: number | string; host?: string };
  exec?: { command?: string[] };
  initialDelaySeconds?: number;
  periodSeconds?: number;
  timeoutSeconds?: number;
  successThreshold?: number;
  failureThreshold?: number;
}

export interface ProbeResult {
  ok: boolean;
  /** Why it failed, as the Unhealthy event says. */
  message?: string;
}

/** A named port resolved through the container's `ports`. */
export function probePort(
  port: number | string | undefined,
  ports: readonly { name?: string; containerPort?: number }[],
): number | undefined {
  if (typeof port === "number") return port;
  if (port && /^\d+$/.test(port)) return Number(port);
  return ports.find((candidate) => candidate.name === port)?.containerPort;
}

export function runProbe(
  probe: Probe,
  podIP: string,
  ports: readonly { name?: string; containerPort?: number }[],
): Promise<ProbeResult> {
  const timeout = (probe.timeoutSeconds ?? 1) * 1000;
  if (probe.httpGet) {
    const get = probe.httpGet;
    const port = probePort(get.port, ports);
    const host = get.host || podIP;
    return new Promise((resolve) => {
      const call = request(
        {
          host,
          port,
          path: get.path ?? "/",
          method: "GET",
          timeout,
          headers: Object.fromEntries((get.httpHeaders ?? []).map((header) => [header.name, header.value])),
        },
        (response) => {
          response.resume();
          const status = response.statusCode ?? 0;
          resolve(
            status >= 200 && status < 400
              ? { ok: true }
              : { ok: false, message: `HTTP probe failed with statuscode: ${status}` },
          );
        },
      );
      call.on("timeout", () =>
        call.destroy(new Error("context deadline exceeded (Client.Timeout exceeded while awaiting headers)")),
      );
      call.on("error", (error) =>
        resolve({ ok: false, message: `Get "http://${host}:${port}${get.path ?? "/"}": ${error.message}` }),
      );
      call.end();
    });
  }
  if (probe.tcpSocket) {
    const port = probePort(probe.tcpSocket.port, ports);
    const host = probe.tcpSocket.host || podIP;
    return new Promise((resolve) => {
      const socket = connect({ host, port: port ?? 0, timeout });
      socket.once("connect", () => {
        socket.destroy();
        resolve({ ok: true });
      });
      socket.once("timeout", () => socket.destroy(new Error("i/o timeout")));
      socket.once("error", (error) => resolve({ ok: false, message: `dial tcp ${host}:${port}: ${error.message}` }));
    });
  }
  return Promise.resolve({ ok: true });
}
