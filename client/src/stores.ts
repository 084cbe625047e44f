/**
 * Where the client keeps what must outlive the app: the positions it holds
 * (so a restart resumes instead of replaying) and the outbox (commands not yet
 * acknowledged). Any object with load and save fits; memory is the default,
 * IndexedDB is here for browsers and a file store in `@seqline/client/node`.
 */
export interface Store<T> {
  /** The value last saved, or undefined when there is none. */
  load(): Promise<T | undefined>
  save(value: T): Promise<void>
}

/** Lives as long as the object: nothing survives a restart. */
export class MemoryStore<T> implements Store<T> {
  constructor(private value?: T) {}

  async load(): Promise<T | undefined> {
    return this.value === undefined ? undefined : structuredClone(this.value)
  }

  async save(value: T): Promise<void> {
    this.value = structuredClone(value)
  }
}

// The little of IndexedDB used here, typed so the package needs no DOM types.
interface IdbRequest<R> {
  result: R
  error: unknown
  onsuccess: (() => void) | null
  onerror: (() => void) | null
}
interface IdbOpenRequest extends IdbRequest<IdbDatabase> {
  onupgradeneeded: (() => void) | null
}
interface IdbDatabase {
  objectStoreNames: { contains(name: string): boolean }
  createObjectStore(name: string): unknown
  transaction(store: string, mode: 'readonly' | 'readwrite'): { objectStore(name: string): IdbObjectStore }
}
interface IdbObjectStore {
  get(key: string): IdbRequest<unknown>
  put(value: unknown, key: string): IdbRequest<unknown>
}
export interface IdbFactory {
  open(name: string, version?: number): IdbOpenRequest
}

const OBJECT_STORE = 'values'

/** One value under a key in an IndexedDB database (the browser's own by default). */
export class IndexedDbStore<T> implements Store<T> {
  private db: Promise<IdbDatabase> | null = null

  /** @param key e.g. `positions:alice`: one key per user and kind of value */
  constructor(
    private readonly key: string,
    private readonly options: { database?: string; indexedDB?: IdbFactory } = {},
  ) {}

  async load(): Promise<T | undefined> {
    const store = (await this.open()).transaction(OBJECT_STORE, 'readonly').objectStore(OBJECT_STORE)
    return (await done(store.get(this.key))) as T | undefined
  }

  async save(value: T): Promise<void> {
    const store = (await this.open()).transaction(OBJECT_STORE, 'readwrite').objectStore(OBJECT_STORE)
    await done(store.put(value, this.key))
  }

  private open(): Promise<IdbDatabase> {
    if (this.db) return this.db
    const factory = this.options.indexedDB ?? (globalThis as { indexedDB?: IdbFactory }).indexedDB
    if (!factory) return Promise.reject(new Error('no IndexedDB here: use MemoryStore, or FileStore from @seqline/client/node'))
    const request = factory.open(this.options.database ?? 'seqline', 1)
    request.onupgradeneeded = () => {
      if (!request.result.objectStoreNames.contains(OBJECT_STORE)) request.result.createObjectStore(OBJECT_STORE)
    }
    this.db = done(request)
    return this.db
  }
}

const done = <R>(request: IdbRequest<R>): Promise<R> =>
  new Promise((resolve, reject) => {
    request.onsuccess = () => resolve(request.result)
    request.onerror = () => reject(request.error)
  })

/**
 * Saves the latest value, one save at a time: values given while a save runs
 * are coalesced into one more save of the newest. A failed save is reported
 * and the next value is saved as usual.
 */
export class Saver<T> {
  private next: T | undefined
  private running: Promise<void> | null = null

  constructor(
    private readonly store: Store<T>,
    private readonly failed: (err: unknown) => void,
  ) {}

  save(value: T): void {
    this.next = value
    if (!this.running) this.running = this.drain()
  }

  /** Resolves when everything given so far is saved. */
  async flushed(): Promise<void> {
    while (this.running) await this.running
  }

  private async drain(): Promise<void> {
    for (let value = this.take(); value !== undefined; value = this.take()) {
      try {
        await this.store.save(value)
      } catch (err) {
        this.failed(err)
      }
    }
    this.running = null
  }

  private take(): T | undefined {
    const value = this.next
    this.next = undefined
    return value
  }
}
