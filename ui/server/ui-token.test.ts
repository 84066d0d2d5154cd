import { mkdirSync, mkdtempSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { loadUiToken, uiTokenFile } from "./ui-token.ts";

const temporary = () => mkdtempSync(join(tmpdir(), "kontinue-ui-token-"));

describe("the UI token", () => {
  it("is kept in the nearest project's .kontinue/ui-token, mode 0600, and read back on the next run", () => {
    const project = temporary();
    mkdirSync(join(project, ".kontinue"));
    const cwd = join(project, "functions", "deep");
    mkdirSync(cwd, { recursive: true });
    const first = loadUiToken({ cwd, env: {} });
    expect(first).toMatchObject({ source: "new", file: join(project, ".kontinue", "ui-token") });
    expect(first.token).toMatch(/^[0-9a-f]{32}$/);
    expect(statSync(first.file!).mode & 0o777).toBe(0o600);
    expect(readFileSync(first.file!, "utf8")).toBe(`${first.token}\n`);
    expect(loadUiToken({ cwd, env: {} })).toEqual({ ...first, source: "file" });
  });

  it("without a project, lives in $XDG_STATE_HOME/kontinue (else ~/.local/state/kontinue)", () => {
    const cwd = temporary();
    const state = temporary();
    expect(uiTokenFile({ cwd, env: { XDG_STATE_HOME: state } })).toBe(join(state, "kontinue", "ui-token"));
    expect(uiTokenFile({ cwd, env: {}, home: "/home/ada" })).toBe("/home/ada/.local/state/kontinue/ui-token");
    const made = loadUiToken({ cwd, env: { XDG_STATE_HOME: state } });
    expect(statSync(join(state, "kontinue", "ui-token")).mode & 0o777).toBe(0o600);
    expect(loadUiToken({ cwd, env: { XDG_STATE_HOME: state } }).token).toBe(made.token);
  });

  it("takes --token over the file, and writes nothing for it", () => {
    const cwd = temporary();
    const state = temporary();
    expect(loadUiToken({ given: "my-own-token-123456", cwd, env: { XDG_STATE_HOME: state } })).toEqual({
      token: "my-own-token-123456",
      file: undefined,
      source: "flag",
    });
    expect(() => statSync(join(state, "kontinue", "ui-token"))).toThrow();
    expect(() => loadUiToken({ given: "short", cwd })).toThrow(/--token "short" is not a token/);
  });

  it("refuses a garbled or unreadable file with an error naming it", () => {
    const state = temporary();
    const file = join(state, "kontinue", "ui-token");
    mkdirSync(join(state, "kontinue"));
    writeFileSync(file, "not a token at all!\n");
    const options = { cwd: temporary(), env: { XDG_STATE_HOME: state } };
    expect(() => loadUiToken(options)).toThrow(
      expect.objectContaining({ code: "UI_TOKEN_FILE", message: expect.stringContaining(`"${file}" does not hold`) }),
    );
    // A folder where the file should be cannot be read (as root, a mode would not stop the read).
    const other = temporary();
    mkdirSync(join(other, "kontinue", "ui-token"), { recursive: true });
    expect(() => loadUiToken({ cwd: temporary(), env: { XDG_STATE_HOME: other } })).toThrow(
      expect.objectContaining({ code: "UI_TOKEN_FILE", message: expect.stringContaining("cannot read the UI token") }),
    );
  });
});
