import { noSuch } from './errors';

/** A Stripe object as the API returns it. */
export interface StripeObject {
  id: string;
  object: string;
  [field: string]: unknown;
}

/**
 * Limitation: eviction leaves ids in other objects pointing at evicted ones (a retrieve or an
 * expand of them answers 404 or stays an id), because memory is bounded per kind; keeping the
 * state in the embedded database instead of memory would lift the bound.
 *
 * All objects by id, and per kind in creation order for lists. Each kind keeps at most
 * `maxPerKind` objects: the oldest is evicted first, so memory stays bounded over a long run
 * (a retrieve of an evicted object answers 404, as for an id that never existed).
 */
export class ObjectStore {
  private readonly byId = new Map<string, StripeObject>();
  private readonly byKind = new Map<string, Map<string, StripeObject>>();

  constructor(private readonly maxPerKind: number) {}

  insert<T extends StripeObject>(obj: T): T {
    let kind = this.byKind.get(obj.object);
    if (!kind) {
      kind = new Map();
      this.byKind.set(obj.object, kind);
    }
    kind.set(obj.id, obj);
    this.byId.set(obj.id, obj);
    if (kind.size > this.maxPerKind) {
      const oldest = kind.keys().next().value as string;
      kind.delete(oldest);
      this.byId.delete(oldest);
    }
    return obj;
  }

  find(id: string): StripeObject | undefined {
    return this.byId.get(id);
  }

  /** The object of that kind, or Stripe's 404 (`No such <kind>: '<id>'`). */
  get<T extends StripeObject>(kind: string, id: string, param = 'id'): T {
    const obj = this.byId.get(id);
    if (!obj || obj.object !== kind) throw noSuch(kind, id, param);
    return obj as T;
  }

  remove(id: string): void {
    const obj = this.byId.get(id);
    if (!obj) return;
    this.byId.delete(id);
    this.byKind.get(obj.object)?.delete(id);
  }

  /** Objects of a kind, newest first. */
  *newestFirst(kind: string): IterableIterator<StripeObject> {
    const map = this.byKind.get(kind);
    if (!map) return;
    const all = [...map.values()];
    for (let i = all.length - 1; i >= 0; i--) yield all[i];
  }

  /** How many objects of each kind are held. */
  counts(): Record<string, number> {
    return Object.fromEntries([...this.byKind].map(([kind, map]) => [kind, map.size]));
  }

  count(kind?: string): number {
    return kind ? (this.byKind.get(kind)?.size ?? 0) : this.byId.size;
  }

  clear(): void {
    this.byId.clear();
    this.byKind.clear();
  }
}
