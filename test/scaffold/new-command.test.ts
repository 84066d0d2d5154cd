// `kontinue new` as a user runs it: the list, a scaffold and what it prints, name errors, no overwrite.
import { readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { checkFunctionName, listTemplates, scaffoldFunction } from "../../cli/new-function.ts";
import { isKontinueError } from "../../runtime/index.ts";
import { TEMPLATES } from "../../templates/index.ts";
import { removeTemporaryDirs, temporaryDir } from "../fixtures/temporary-dirs.ts";
import { runCli } from "./run-cli.ts";

afterAll(removeTemporaryDirs);

async function codeOf(promise: Promise<unknown>): Promise<string | undefined> {
  try {
    await promise;
    return undefined;
  } catch (error) {
    return isKontinueError(error) ? error.code : String(error);
  }
}

describe("kontinue new", () => {
  it("--list shows every template with one line each, from the command line", async () => {
    const result = await runCli(["new", "--list"]);
    expect(result.code).toBe(0);
    const lines = result.stdout.trimEnd().split("\n");
    expect(lines).toHaveLength(TEMPLATES.length);
    for (const [i, template] of TEMPLATES.entries()) {
      expect(lines[i]).toMatch(new RegExp(`^${template.name}\\s+\\S`));
      expect(lines[i]).toContain(template.description);
    }
    expect(listTemplates()).toBe(result.stdout);
  });

  it("writes the template's files under --dir and prints them and the commands to run next", async () => {
    const cwd = await temporaryDir("new");
    const printed = await scaffoldFunction({ name: "sendInvoices", template: "fanout", dir: "src/functions", cwd });
    expect(printed).toContain('wrote src/functions/sendInvoices.ts (template "fanout")');
    expect(printed).toContain('wrote src/functions/sendInvoicesItem.ts (template "fanout")');
    expect(printed).toContain("npx kontinue dev src/functions");
    expect(printed).toContain(`npx kontinue execute sendInvoices '{"items":[1,2,3]}' --wait`);
    const source = await readFile(join(cwd, "src/functions/sendInvoices.ts"), "utf8");
    expect(source).toContain('ctx.execute<typeof sendInvoicesItem>("sendInvoicesItem"');
  });

  it("says to apply the schedule manifest of the scheduled template", async () => {
    const cwd = await temporaryDir("new");
    const printed = await scaffoldFunction({ name: "dailyReport", template: "scheduled", dir: "functions", cwd });
    expect(printed).toContain("kubectl apply -f functions/dailyReport.schedule.yaml");
  });

  it("refuses names that are not function names, or too long for resource names", async () => {
    for (const name of [undefined, "", "9lives", "process-order", "process order", "ß"]) {
      expect(() => checkFunctionName(name), String(name)).toThrow(
        expect.objectContaining({ code: "CLI_BAD_FUNCTION_NAME" }),
      );
    }
    expect(() => checkFunctionName(`a${"b".repeat(60)}`)).toThrow(/longer than 63 characters/);
    expect(checkFunctionName("processOrder2")).toBe("processOrder2");
    const result = await runCli(["new", "process-order"], { cwd: await temporaryDir("new") });
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('cannot use "process-order" as a function name: use letters and digits');
  });

  it("refuses an unknown template, naming the known ones", async () => {
    const cwd = await temporaryDir("new");
    await expect(scaffoldFunction({ name: "x", template: "cron", dir: "functions", cwd })).rejects.toThrow(
      /there is no template "cron"; choose one of "basic", "sleep", "fanout", "poll", "signal", "scheduled"/,
    );
  });

  it("does not overwrite an existing file unless --force, and writes nothing when it refuses", async () => {
    const cwd = await temporaryDir("new");
    await scaffoldFunction({ name: "chargeCard", template: "basic", dir: "functions", cwd });
    await writeFile(join(cwd, "functions/chargeCard.ts"), "// mine\n");
    expect(await codeOf(scaffoldFunction({ name: "chargeCard", template: "sleep", dir: "functions", cwd }))).toBe(
      "CLI_FILE_EXISTS",
    );
    expect(await readFile(join(cwd, "functions/chargeCard.ts"), "utf8")).toBe("// mine\n");
    // The fan-out's child does not exist yet, its parent does: neither is written.
    await writeFile(join(cwd, "functions/batch.ts"), "// mine\n");
    expect(await codeOf(scaffoldFunction({ name: "batch", template: "fanout", dir: "functions", cwd }))).toBe(
      "CLI_FILE_EXISTS",
    );
    await expect(readFile(join(cwd, "functions/batchItem.ts"))).rejects.toThrow(/ENOENT/);
    await scaffoldFunction({ name: "chargeCard", template: "sleep", dir: "functions", cwd, force: true });
    expect(await readFile(join(cwd, "functions/chargeCard.ts"), "utf8")).toContain("ctx.sleep(");
  });
});
