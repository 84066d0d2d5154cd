// The tag each build writes besides `latest`, so registry retention rules that keep recent or tagged
// images never delete one a Function still runs: `--tag`, default `rev-<revision id>` (16 hex digits of the digest).
import { BuildError } from "./build-error.ts";

/** `rev-<first 16 hex digits of the image digest>`: the revision id the controller derives from the same digest. */
export function defaultBuildTag(digest: string): string {
  return `rev-${digest.replace(/^sha256:/, "").slice(0, 16)}`;
}

/** Checks a `--tag` against the distribution spec's tag grammar. */
export function checkTag(tag: string): string {
  if (!/^[\w][\w.-]{0,127}$/.test(tag)) {
    throw new BuildError(
      "BUILD_BAD_OPTIONS",
      `cannot tag images "${tag}": a tag is 1–128 letters, digits, "_", "." or "-", not starting with "." or "-"; ` +
        `e.g. --tag v1.4.2`,
    );
  }
  return tag;
}
