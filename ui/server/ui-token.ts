// The UI's token, kept across `kontinue ui` restarts so an open page and a bookmarked URL keep working: in the
// project's `.kontinue/ui-token` (here or in a parent directory), else `$XDG_STATE_HOME/kontinue/ui-token`; mode 0600.
import { randomBytes } from "node:crypto";
import { chmodSync, existsSync, mkdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { homedir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { UiError } from "./ui-error.ts";

export interface UiTokenOptions {
  /** `--token`: used as is and not written anywhere. */
  given?: string;
  /** Where the project is looked for. Default process.cwd(). */
  cwd?: string;
  /** Default process.env (XDG_STATE_HOME). */
  env?: Readonly<Record<string, string | undefined>>;
  /** Default os.homedir() (for ~/.local/state). */
  home?: string;
}

export interface UiToken {
  token: string;
  /** The file it was read from or written to; undefined for a `--token`. */
  file: string | undefined;
  source: "flag" | "file" | "new";
}

const tokenPattern = /^[0-9A-Za-z_-]{16,256}$/;

/** The file the token lives in: the nearest project's `.kontinue/ui-token`, else the user's state folder. */
export function uiTokenFile(options: Omit<UiTokenOptions, "given"> = {}): string {
  const env = options.env ?? process.env;
  for (let dir = resolve(options.cwd ?? process.cwd()); ; dir = dirname(dir)) {
    if (isDirectory(join(dir, ".kontinue"))) return join(dir, ".kontinue", "ui-token");
    if (dirname(dir) === dir) break;
  }
  const state = env.XDG_STATE_HOME || join(options.home ?? homedir(), ".local", "state");
  return join(state, "kontinue", "ui-token");
}

/** The `--token`, else the stored token, else a new one, stored (mode 0600) for the next run. */
export function loadUiToken(options: UiTokenOptions = {}): UiToken {
  if (options.given !== undefined) {
    if (!tokenPattern.test(options.given))
      throw new UiError(
        "UI_BAD_REQUEST",
        `--token "${options.given}" is not a token; use 16 to 256 letters, digits, "-" or "_"`,
      );
    return { token: options.given, file: undefined, source: "flag" };
  }
  const file = uiTokenFile(options);
  if (existsSync(file)) {
    let text: string;
    try {
      text = readFileSync(file, "utf8").trim();
    } catch (cause) {
      throw new UiError(
        "UI_TOKEN_FILE",
        `cannot read the UI token file "${file}": ${(cause as Error).message}; make it readable by you, or ` +
          "delete it to get a new token",
        { cause },
      );
    }
    if (!tokenPattern.test(text))
      throw new UiError(
        "UI_TOKEN_FILE",
        `the UI token file "${file}" does not hold a token (16 to 256 letters, digits, "-" or "_"); delete it to ` +
          "get a new one, or pass --token",
      );
    return { token: text, file, source: "file" };
  }
  const token = randomBytes(16).toString("hex");
  try {
    mkdirSync(dirname(file), { recursive: true, mode: 0o700 });
    writeFileSync(file, `${token}\n`, { mode: 0o600, flag: "wx" });
    // The umask may have taken bits away from the mode, never added them; this pins it to exactly 0600.
    chmodSync(file, 0o600);
  } catch (cause) {
    // Another `kontinue ui` of the same project wrote it first: use that one.
    if ((cause as NodeJS.ErrnoException).code === "EEXIST") return loadUiToken(options);
    throw new UiError(
      "UI_TOKEN_FILE",
      `cannot write the UI token file "${file}": ${(cause as Error).message}; make its folder writable, or pass ` +
        "--token",
      { cause },
    );
  }
  return { token, file, source: "new" };
}

function isDirectory(path: string): boolean {
  try {
    return statSync(path).isDirectory();
  } catch {
    return false;
  }
}
