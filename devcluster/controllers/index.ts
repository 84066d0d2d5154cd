// devcluster's in-process controllers, as kube-controller-manager runs them (garbage collection, …).
export { DeletionController } from "./deletion-controller.ts";
