import { describe, expect, it } from "vitest";
import { DeployProgress } from "./deploy-progress.ts";

function recorder(interactive: boolean, clock = { t: 0 }) {
  let text = "";
  const progress = new DeployProgress({ write: (chunk) => void (text += chunk), interactive, now: () => clock.t });
  return { progress, clock, text: () => text };
}

describe("DeployProgress", () => {
  it("off a terminal writes one plain line per change and none for a repeat", () => {
    const { progress, text } = recorder(false);
    progress.update("greet", "building");
    progress.sent("greet", 2048);
    progress.done("greet", 2048);
    progress.done("greet", 2048);
    progress.update("greet", "ready");
    expect(text()).toBe("greet: building\ngreet: pushing (2.0 KB sent)\ngreet: pushed (2.0 KB sent)\ngreet: Ready\n");
  });

  it("on a terminal redraws its block of lines in place", () => {
    const { progress, text } = recorder(true);
    progress.update("greet", "building");
    progress.update("farewell", "building");
    const before = text().length;
    progress.update("greet", "ready");
    const redraw = text().slice(before);
    expect(redraw.startsWith("\x1b[2F")).toBe(true);
    expect(redraw).toBe("\x1b[2F\x1b[2Kgreet     Ready\n\x1b[2Kfarewell  building\n");
  });

  it("ends with a table of revision, bytes, time and status", () => {
    const { progress, clock } = recorder(false);
    progress.update("greet", "building");
    progress.update("farewell-long", "building");
    progress.setRevision("greet", "0123456789abcdef");
    progress.done("greet", 1536);
    clock.t = 1250;
    progress.update("greet", "ready");
    progress.update("farewell-long", "failed", "ImageNotPullable: no such image");
    expect(progress.table()).toBe(
      "FUNCTION        REVISION           PUSHED   TIME    STATUS\n" +
        "greet           0123456789abcdef   1.5 KB   1.25s   Ready\n" +
        "farewell-long   -                  0 B      1.25s   not Ready: ImageNotPullable: no such image\n",
    );
  });
});
