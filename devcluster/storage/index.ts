// devcluster's storage: the SQLite object store and the in-memory change feed watches read.
export { ChangeFeed } from "./change-feed.ts";
export { Store } from "./store.ts";
export type { Change, ObjectKey } from "./store.ts";
