// What reconcilers read: the informers' caches, by namespace and name.
export interface Lister<T> {
  get(namespace: string, name: string): T | undefined;
  list(): readonly T[];
}
