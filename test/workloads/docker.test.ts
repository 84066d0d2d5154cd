// Workloads end to end in Docker mode: the node agent runs each Pod on the test Docker engine, pulling the
// builder's images from the loopback registry (a missing engine fails the suite, as in the other Docker suites).
import { describe } from "vitest";
import { workloadScenarios } from "./workload-scenarios.ts";

describe("workloads on devcluster's node agent in Docker mode", () => workloadScenarios("docker"));
