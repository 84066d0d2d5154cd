// A fresh namespace and a controller driven by a ManualClock: time moves only when a test advances it,
// so every due time, deadline and restart in a scenario is exact.
import { startController, type RunningController } from "../../controller/index.ts";
import { ManualClock, type Clock } from "../../runtime/index.ts";
import { testCluster, type TestCluster } from "../runtime/runtime-harness.ts";

export interface ClockedController {
  cluster: TestCluster;
  clock: ManualClock;
  /** Starts a controller (a second one after `stopController` is a restart); `clock` overrides the rig's. */
  startController(clock?: Clock): Promise<void>;
  stopController(): Promise<void>;
  /** Moves the clock to `at` (ms), in steps of at most a minute so every wake fires in order. */
  advanceTo(at: number): Promise<void>;
}

/** The clock starts 5 s ahead of real time, so objects created next are older than the clock's now. */
export async function clockedController(prefix: string): Promise<ClockedController> {
  // Objects get the API server's real creation time; a minute boundary between that and the clock's now would
  // make every-minute schedules due at once. Start clear of one (regression: the Allow test failed near :00).
  const toBoundary = 60_000 - (Date.now() % 60_000);
  if (toBoundary < 8_000) await new Promise((resolve) => setTimeout(resolve, toBoundary + 200));
  const cluster = await testCluster(prefix);
  const clock = new ManualClock(Date.now() + 5_000);
  let controller: RunningController | undefined;
  const rig: ClockedController = {
    cluster,
    clock,
    async startController(override) {
      const { kubeConfig, namespace } = cluster;
      controller = await startController({ kubeConfig, namespace, clock: override ?? clock, log: () => {} });
    },
    async stopController() {
      await controller?.stop();
      controller = undefined;
    },
    async advanceTo(at) {
      while (clock.now() < at) await clock.advance(Math.min(60_000, at - clock.now()));
      // Lets the woken reconciles reach the API before the test looks.
      await new Promise((resolve) => setTimeout(resolve, 50));
    },
  };
  await rig.startController();
  return rig;
}
