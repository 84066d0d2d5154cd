// A whole list read a page at a time, as client-go's pager reads it: `limit` + `continue`, and when a continue
// token has expired (410 Expired: its resourceVersion left the server's history) one full list instead.
import { apiStatus, KontinueError, type KubeApiError } from "../runtime/client-entry.ts";

/** kubectl's `--chunk-size` default. */
export const DEFAULT_CHUNK_SIZE = 500;

export interface Page<T> {
  items: T[];
  resourceVersion: string;
  continue?: string;
}

export interface PageRequest {
  /** Absent: everything in one answer. */
  limit?: number;
  continue?: string;
}

export interface ListAllOptions {
  /** Objects per request (default DEFAULT_CHUNK_SIZE); 0 asks for everything in one request. */
  chunkSize?: number;
}

/**
 * Every object, read with `fetchPage` a chunk at a time; the resourceVersion is the first page's (every page is read
 * at it). A continue token that expires mid-way restarts the list as one unpaged request, as client-go's pager does
 * (retrying page by page could expire again and again on a busy server), so the result is one consistent snapshot.
 */
export async function listAll<T>(
  fetchPage: (request: PageRequest) => Promise<Page<T>>,
  options: ListAllOptions = {},
): Promise<{ items: T[]; resourceVersion: string }> {
  const chunkSize = options.chunkSize ?? DEFAULT_CHUNK_SIZE;
  if (!Number.isInteger(chunkSize) || chunkSize < 0)
    throw new KontinueError(
      "CLIENT_BAD_ARGUMENT",
      `the chunk size ${chunkSize} is not a whole number of objects; use 0 or more (0 lists all in one request)`,
      { terminal: true },
    );
  if (chunkSize === 0) return unpaged(await fetchPage({}));
  const first = await fetchPage({ limit: chunkSize });
  const items = [...first.items];
  let token = first.continue;
  while (token) {
    let page: Page<T>;
    try {
      page = await fetchPage({ limit: chunkSize, continue: token });
    } catch (error) {
      if (!isExpired(error)) throw error;
      return unpaged(await fetchPage({}));
    }
    items.push(...page.items);
    token = page.continue;
  }
  return { items, resourceVersion: first.resourceVersion };
}

function unpaged<T>(page: Page<T>): { items: T[]; resourceVersion: string } {
  return { items: page.items, resourceVersion: page.resourceVersion };
}

/** A 410 whose reason is Expired (kube-apiserver's answer to a compacted continue token). */
function isExpired(error: unknown): boolean {
  return apiStatus(error) === 410 && (error as KubeApiError).reason === "Expired";
}
