/**
 * Runs tasks one at a time per key and concurrently across keys: writes to one
 * conversation are serialized in this process, different conversations pipeline.
 */
export class KeyedQueue {
  private readonly tails = new Map<string, Promise<unknown>>()

  run<T>(key: string, task: () => Promise<T>): Promise<T> {
    const prev = this.tails.get(key) ?? Promise.resolve()
    const result = prev.then(task, task)
    const tail = result.catch(() => undefined)
    this.tails.set(key, tail)
    // Forget idle keys so the map holds only conversations with work in flight.
    void tail.then(() => {
      if (this.tails.get(key) === tail) this.tails.delete(key)
    })
    return result
  }

  get active(): number {
    return this.tails.size
  }
}
