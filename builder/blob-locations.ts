// Which repositories of a registry hold a blob, remembered across runs (a JSON file in the build cache),
// so a base layer copied into one repository is mounted into the next instead of re-streamed.
import { mkdir, readFile, rename, writeFile } from "node:fs/promises";
import { dirname } from "node:path";

/** Repositories kept per blob: the most recent ones; a mount from any of them is as good. */
const KEPT_PER_BLOB = 3;

type Locations = Record<string, Record<string, string[]>>;

export class BlobLocations {
  readonly file: string;
  private readonly locations: Locations;
  private saving: Promise<void> = Promise.resolve();

  private constructor(file: string, locations: Locations) {
    this.file = file;
    this.locations = locations;
  }

  /** Reads `file` (a missing or unreadable file is an empty record). */
  static async load(file: string): Promise<BlobLocations> {
    try {
      return new BlobLocations(file, JSON.parse(await readFile(file, "utf8")) as Locations);
    } catch {
      return new BlobLocations(file, {});
    }
  }

  repositoriesOf(registry: string, digest: string): readonly string[] {
    return [...(this.locations[registry]?.[digest] ?? [])];
  }

  add(registry: string, digest: string, repository: string): void {
    const blobs = (this.locations[registry] ??= {});
    blobs[digest] = [repository, ...(blobs[digest] ?? []).filter((r) => r !== repository)].slice(0, KEPT_PER_BLOB);
  }

  /** Drops a repository that no longer has the blob (a mount from it was declined). */
  forget(registry: string, digest: string, repository: string): void {
    const blobs = this.locations[registry];
    if (blobs?.[digest]) blobs[digest] = blobs[digest].filter((r) => r !== repository);
  }

  /** Writes the record (atomically; saves are serialized). */
  save(): Promise<void> {
    this.saving = this.saving.then(async () => {
      await mkdir(dirname(this.file), { recursive: true });
      const temporary = `${this.file}.${process.pid}.tmp`;
      await writeFile(temporary, JSON.stringify(this.locations));
      await rename(temporary, this.file);
    });
    return this.saving;
  }
}
