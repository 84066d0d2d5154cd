// Fails when a tracked source line is longer than 120 characters: Biome's formatter wraps code at 120 columns but
// cannot break string literals or comments, so this check (run by `npm run lint`) holds those to the same limit.
import { execFileSync } from "node:child_process";
import { readFileSync } from "node:fs";

const LIMIT = 120;
const files = execFileSync("git", ["ls-files", "-z", "--", "*.ts", "*.js", "*.mjs", "*.tsx"], { encoding: "utf8" })
  .split("\0")
  .filter((file) => file !== "" && !file.includes("/testdata/"));
const long = files.flatMap((file) =>
  readFileSync(file, "utf8")
    .split("\n")
    .flatMap((line, index) =>
      [...line].length > LIMIT ? [`${file}:${index + 1}: ${[...line].length} characters`] : [],
    ),
);
if (long.length > 0) {
  console.error(
    `${long.length} line(s) longer than ${LIMIT} characters; break them (strings with +, comments over lines):`,
  );
  for (const line of long) console.error(`  ${line}`);
  process.exit(1);
}
