// devcluster's persistence: objects, the change log that watches resume from, and the
// global resourceVersion counter, in one SQLite file (WAL; a commit survives kill -9).
import Database from "better-sqlite3";
import { mkdirSync } from "node:fs";
import { join } from "node:path";
import { ApiError } from "../registry/index.ts";
import type { KubeObject } from "../registry/index.ts";

/** etcd's default request limit: kube-apiserver answers a bigger object with a 500 from etcd. */
const maxObjectBytes = 1.5 * 1024 * 1024;

export type ChangeType = "ADDED" | "MODIFIED" | "DELETED";

/** Where an object lives: `resource` is `<group or "core">/<plural>`, version-independent. */
export interface ObjectKey {
  resource: string;
  namespace: string;
  name: string;
}

/** One persisted change, as the change log and the live feed carry it. */
export interface Change extends ObjectKey {
  type: ChangeType;
  revision: number;
  object: KubeObject;
  /** `object` as stored (JSON), so answers and watch events need not serialize it again. */
  json: string;
  /** The labels before a MODIFIED change, when they differed (selector transitions). */
  previousLabels?: Record<string, string>;
}

export interface StoreOptions {
  dataDir: string;
  /** How long the change log keeps history for watches; default 5 minutes. */
  historyMillis?: number;
  /** At most this many entries are kept, whatever their age; default 1,000,000. */
  historyMaxEntries?: number;
}

interface ObjectRow {
  resource: string;
  namespace: string;
  name: string;
  data: string;
}

interface ChangeRow {
  rv: number;
  type: ChangeType;
  resource: string;
  namespace: string;
  name: string;
  prev_labels: string | null;
  data: string;
}

const schema = `
CREATE TABLE IF NOT EXISTS objects (
  id INTEGER PRIMARY KEY, resource TEXT NOT NULL, namespace TEXT NOT NULL, name TEXT NOT NULL,
  rv INTEGER NOT NULL, owners TEXT NOT NULL, data TEXT NOT NULL,
  UNIQUE (resource, namespace, name));
CREATE TABLE IF NOT EXISTS changes (
  rv INTEGER PRIMARY KEY, at INTEGER NOT NULL, type TEXT NOT NULL, resource TEXT NOT NULL,
  namespace TEXT NOT NULL, name TEXT NOT NULL, prev_labels TEXT, data TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL) WITHOUT ROWID;
`;

function ownerUids(object: KubeObject | undefined): string[] {
  return (object?.metadata.ownerReferences ?? []).map((owner) => owner.uid);
}

function keyId(key: ObjectKey): string {
  return JSON.stringify([key.resource, key.namespace, key.name]);
}

function sameLabels(a: Record<string, string> | undefined, b: Record<string, string> | undefined): boolean {
  return JSON.stringify(a ?? {}) === JSON.stringify(b ?? {});
}

/** The SQLite store. Synchronous: each `commit` is one transaction, done when it returns. */
export class Store {
  readonly #db: Database.Database;
  readonly #historyMillis: number;
  readonly #historyMaxEntries: number;
  #revision: number;
  #compacted: number;
  /** owner uid → ids of the objects that reference it (in memory; rebuilt at open). */
  readonly #dependents = new Map<string, Set<string>>();
  readonly #statements;

  constructor(options: StoreOptions) {
    mkdirSync(options.dataDir, { recursive: true });
    this.#db = new Database(join(options.dataDir, "state.db"), { timeout: 1000 });
    // One server per data dir: the exclusive lock is taken now and held until close (or death).
    this.#db.pragma("locking_mode = EXCLUSIVE");
    this.#db.pragma("journal_mode = WAL");
    this.#db.pragma("synchronous = NORMAL");
    // Checkpoints (copying the WAL back, with fsyncs) run inside the commit that crosses the mark:
    // every ~40 MB instead of SQLite's ~4 MB makes them rarer and lets repeated writes of a page coalesce.
    this.#db.pragma("wal_autocheckpoint = 10000");
    this.#db.exec(schema);
    this.#db.exec("BEGIN EXCLUSIVE; COMMIT;");
    this.#historyMillis = options.historyMillis ?? 5 * 60_000;
    this.#historyMaxEntries = options.historyMaxEntries ?? 1_000_000;
    const db = this.#db;
    this.#statements = {
      get: db.prepare<[string, string, string], { data: string }>(
        "SELECT data FROM objects WHERE resource = ? AND namespace = ? AND name = ?",
      ),
      upsert: db.prepare(
        "INSERT INTO objects (resource, namespace, name, rv, owners, data) VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT " +
          "(resource, namespace, name) DO UPDATE SET rv = excluded.rv, owners = excluded.owners, data = excluded.data",
      ),
      remove: db.prepare("DELETE FROM objects WHERE resource = ? AND namespace = ? AND name = ?"),
      log: db.prepare(
        "INSERT INTO changes (rv, at, type, resource, namespace, name, prev_labels, data) VALUES (?, ?, ?, ?, ?, ?, " +
          "?, ?)",
      ),
      setMeta: db.prepare(
        "INSERT INTO meta (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value",
      ),
      getMeta: db.prepare<[string], { value: string }>("SELECT value FROM meta WHERE key = ?"),
      listAll: db.prepare<[string, string, string], ObjectRow>(
        "SELECT resource, namespace, name, data FROM objects WHERE resource = ? AND (namespace, name) > (?, ?) ORDER " +
          "BY namespace, name",
      ),
      listNamespace: db.prepare<[string, string, string], ObjectRow>(
        "SELECT resource, namespace, name, data FROM objects WHERE resource = ? AND namespace = ? AND name > ? ORDER " +
          "BY name",
      ),
      listInNamespace: db.prepare<[string], ObjectRow>(
        "SELECT resource, namespace, name, data FROM objects WHERE namespace = ? ORDER BY resource, name",
      ),
      countAll: db.prepare<[string, string, string], { count: number }>(
        "SELECT count(*) AS count FROM objects WHERE resource = ? AND (namespace, name) > (?, ?)",
      ),
      countNamespace: db.prepare<[string, string, string], { count: number }>(
        "SELECT count(*) AS count FROM objects WHERE resource = ? AND namespace = ? AND name > ?",
      ),
      withOwners: db.prepare<[], ObjectRow>("SELECT resource, namespace, name, data FROM objects WHERE owners <> ''"),
      changesAll: db.prepare<[string, number], ChangeRow>(
        "SELECT rv, type, resource, namespace, name, prev_labels, data FROM changes WHERE resource = ? AND rv > ? " +
          "ORDER BY rv",
      ),
      changesNamespace: db.prepare<[string, number, string], ChangeRow>(
        "SELECT rv, type, resource, namespace, name, prev_labels, data FROM changes WHERE resource = ? AND rv > ? " +
          "AND namespace = ? ORDER BY rv",
      ),
      timeOf: db.prepare<[number], { at: number }>("SELECT at FROM changes WHERE rv = ?"),
      compact: db.prepare("DELETE FROM changes WHERE rv <= ?"),
    };
    this.#compacted = Number(this.#statements.getMeta.get("compacted")?.value ?? "0");
    // The counter is not written on every commit: the newest logged or stored version, or the compaction mark, is it.
    const newest = db
      .prepare<[], { rv: number }>(
        "SELECT max(coalesce((SELECT max(rv) FROM changes), 0), coalesce((SELECT max(rv) FROM objects), 0)) AS rv",
      )
      .get();
    this.#revision = Math.max(this.#compacted, newest?.rv ?? 0);
    for (const row of this.#statements.withOwners.iterate())
      this.#index(row, ownerUids(JSON.parse(row.data) as KubeObject), []);
  }

  /** The current global resourceVersion. */
  get revision(): number {
    return this.#revision;
  }

  /** The newest resourceVersion the change log no longer holds (0: it holds everything). */
  get compactedRevision(): number {
    return this.#compacted;
  }

  get(key: ObjectKey): KubeObject | undefined {
    const row = this.#statements.get.get(key.resource, key.namespace, key.name);
    return row ? (JSON.parse(row.data) as KubeObject) : undefined;
  }

  /** Objects of one resource ordered by namespace then name, strictly after `after` when given. */
  *list(
    resource: string,
    options: { namespace?: string; after?: { namespace: string; name: string } } = {},
  ): Generator<KubeObject> {
    const rows =
      options.namespace !== undefined
        ? this.#statements.listNamespace.iterate(resource, options.namespace, options.after?.name ?? "")
        : this.#statements.listAll.iterate(resource, options.after?.namespace ?? "", options.after?.name ?? "");
    for (const row of rows) yield JSON.parse(row.data) as KubeObject;
  }

  /** How many objects `list` with the same options would yield. */
  count(resource: string, options: { namespace?: string; after?: { namespace: string; name: string } } = {}): number {
    const row =
      options.namespace !== undefined
        ? this.#statements.countNamespace.get(resource, options.namespace, options.after?.name ?? "")
        : this.#statements.countAll.get(resource, options.after?.namespace ?? "", options.after?.name ?? "");
    return row?.count ?? 0;
  }

  /** Every object of every resource in one namespace. */
  listNamespace(namespace: string): (ObjectKey & { object: KubeObject })[] {
    return this.#statements.listInNamespace.all(namespace).map(toEntry);
  }

  /** Objects whose ownerReferences name `uid`. */
  dependentsOf(uid: string): (ObjectKey & { object: KubeObject })[] {
    const entries: (ObjectKey & { object: KubeObject })[] = [];
    for (const id of this.#dependents.get(uid) ?? []) {
      const [resource, namespace, name] = JSON.parse(id) as [string, string, string];
      const object = this.get({ resource, namespace, name });
      if (object && ownerUids(object).includes(uid)) entries.push({ resource, namespace, name, object });
    }
    return entries;
  }

  #index(key: ObjectKey, added: string[], removed: string[]): void {
    const id = keyId(key);
    for (const uid of removed) {
      const set = this.#dependents.get(uid);
      set?.delete(id);
      if (set?.size === 0) this.#dependents.delete(uid);
    }
    for (const uid of added) {
      let set = this.#dependents.get(uid);
      if (!set) this.#dependents.set(uid, (set = new Set()));
      set.add(id);
    }
  }

  /** Every object that has at least one ownerReference. */
  ownedObjects(): (ObjectKey & { object: KubeObject })[] {
    return this.#statements.withOwners.all().map(toEntry);
  }

  /**
   * Persists one change in one transaction: assigns the next resourceVersion to the
   * object (for DELETED: the delete's), writes it and its log entry. Returns the change.
   */
  commit(type: ChangeType, key: ObjectKey, object: KubeObject, previous: KubeObject | undefined, now: Date): Change {
    const revision = this.#revision + 1;
    const stored: KubeObject = { ...object, metadata: { ...object.metadata, resourceVersion: String(revision) } };
    const data = JSON.stringify(stored);
    if (type !== "DELETED" && data.length * 3 > maxObjectBytes && Buffer.byteLength(data) > maxObjectBytes) {
      throw new ApiError(500, "", "etcdserver: request is too large");
    }
    const previousLabels =
      type === "MODIFIED" && previous && !sameLabels(previous.metadata.labels, object.metadata.labels)
        ? (previous.metadata.labels ?? {})
        : undefined;
    const statements = this.#statements;
    const before = ownerUids(previous);
    const after = type === "DELETED" ? [] : ownerUids(stored);
    this.#db.transaction(() => {
      if (type === "DELETED") statements.remove.run(key.resource, key.namespace, key.name);
      else statements.upsert.run(key.resource, key.namespace, key.name, revision, after.join(" "), data);
      statements.log.run(
        revision,
        now.getTime(),
        type,
        key.resource,
        key.namespace,
        key.name,
        previousLabels ? JSON.stringify(previousLabels) : null,
        data,
      );
    })();
    this.#revision = revision;
    if (before.length + after.length > 0)
      this.#index(
        key,
        after.filter((uid) => !before.includes(uid)),
        before.filter((uid) => !after.includes(uid)),
      );
    return { ...key, type, revision, object: stored, json: data, ...(previousLabels ? { previousLabels } : {}) };
  }

  /** Logged changes of one resource after `revision`, oldest first. */
  *changesSince(resource: string, revision: number, namespace?: string): Generator<Change> {
    const rows =
      namespace !== undefined
        ? this.#statements.changesNamespace.iterate(resource, revision, namespace)
        : this.#statements.changesAll.iterate(resource, revision);
    for (const row of rows) {
      yield {
        resource: row.resource,
        namespace: row.namespace,
        name: row.name,
        type: row.type,
        revision: row.rv,
        object: JSON.parse(row.data) as KubeObject,
        json: row.data,
        ...(row.prev_labels ? { previousLabels: JSON.parse(row.prev_labels) as Record<string, string> } : {}),
      };
    }
  }

  /** Drops log entries older than the history window, and any beyond the newest `historyMaxEntries`. */
  compact(now: Date): void {
    const through = Math.max(
      this.#newestExpired(now.getTime() - this.#historyMillis),
      this.#revision - this.#historyMaxEntries,
    );
    if (through <= this.#compacted) return;
    this.#db.transaction(() => {
      this.#statements.compact.run(through);
      this.#statements.setMeta.run("compacted", String(through));
    })();
    this.#compacted = through;
  }

  /**
   * The newest logged resourceVersion written before `cutoff`: a binary search, since the log
   * holds every version after the compaction mark and their times only grow.
   */
  #newestExpired(cutoff: number): number {
    let low = this.#compacted;
    let high = this.#revision;
    while (low < high) {
      const middle = Math.ceil((low + high) / 2);
      const at = this.#statements.timeOf.get(middle)?.at;
      if (at !== undefined && at < cutoff) low = middle;
      else high = middle - 1;
    }
    return low;
  }

  close(): void {
    this.#db.close();
  }
}

function toEntry(row: ObjectRow): ObjectKey & { object: KubeObject } {
  return {
    resource: row.resource,
    namespace: row.namespace,
    name: row.name,
    object: JSON.parse(row.data) as KubeObject,
  };
}
