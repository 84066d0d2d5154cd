// Workloads end to end in process mode: the node agent runs each Pod's image as a local Node process.
import { describe } from "vitest";
import { workloadScenarios } from "./workload-scenarios.ts";

describe("workloads on devcluster's node agent in process mode", () => workloadScenarios("process"));
