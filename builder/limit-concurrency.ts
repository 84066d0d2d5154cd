// A concurrency limit as a wrapper: at most `jobs` tasks run at once, the rest wait in order.
import { BuildError } from "./build-error.ts";

export type Limit = <T>(task: () => Promise<T>) => Promise<T>;

/**
 * Registry requests in flight by default: Docker's max-concurrent-uploads (5) less one; Docker Hub, GHCR, ECR accept
 * it.
 */
export const DEFAULT_JOBS = 4;

export function limitConcurrency(jobs: number): Limit {
  if (!Number.isInteger(jobs) || jobs < 1) {
    throw new BuildError(
      "BUILD_BAD_OPTIONS",
      `cannot use --jobs ${jobs}: expected a positive integer, e.g. --jobs ${DEFAULT_JOBS}`,
    );
  }
  let running = 0;
  const waiting: Array<() => void> = [];
  return async <T>(task: () => Promise<T>): Promise<T> => {
    if (running >= jobs) await new Promise<void>((resolve) => waiting.push(resolve));
    else running++;
    try {
      return await task();
    } finally {
      const next = waiting.shift();
      if (next) next();
      else running--;
    }
  };
}
