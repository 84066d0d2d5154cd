// The Deployment and ReplicaSet controllers together, fed every committed change, as
// kube-controller-manager runs them against the API.
import type { Change } from "../storage/index.ts";
import type { ClusterObjects } from "./cluster-objects.ts";
import { DeploymentController } from "./deployment-controller.ts";
import { ReplicaSetController } from "./replica-set-controller.ts";

export interface WorkloadControllersOptions {
  /** Reads and writes for the Deployment controller and the ReplicaSet controller (each its own manager). */
  deployments: ClusterObjects;
  replicaSets: ClusterObjects;
  clock: () => Date;
  log: (message: string) => void;
}

export class WorkloadControllers {
  readonly #deployments: DeploymentController;
  readonly #replicaSets: ReplicaSetController;

  constructor(options: WorkloadControllersOptions) {
    this.#deployments = new DeploymentController({
      cluster: options.deployments,
      clock: options.clock,
      log: options.log,
    });
    this.#replicaSets = new ReplicaSetController({
      cluster: options.replicaSets,
      clock: options.clock,
      log: options.log,
    });
  }

  recover(): void {
    this.#deployments.recover();
    this.#replicaSets.recover();
  }

  notify(change: Change): void {
    this.#deployments.notify(change);
    this.#replicaSets.notify(change);
  }

  close(): void {
    this.#deployments.close();
    this.#replicaSets.close();
  }
}
