// A queue that socket callbacks push into and builtins pull from with a
// timeout: `next(ms)` resolves with the oldest item, or "timeout" when
// none arrives in time (0 = only what is already queued). Cancelling a
// waiting task removes its waiter so a late item is not lost.

export type Waited<T> = T | "timeout";

interface Waiter<T> {
  resolve(v: Waited<T>): void;
  timer: ReturnType<typeof setTimeout> | undefined;
}

export class EventQueue<T> {
  private readonly items: T[] = [];
  private readonly waiters: Waiter<T>[] = [];

  push(item: T): void {
    const waiter = this.waiters.shift();
    if (waiter === undefined) {
      this.items.push(item);
      return;
    }
    if (waiter.timer !== undefined) clearTimeout(waiter.timer);
    waiter.resolve(item);
  }

  get size(): number {
    return this.items.length;
  }

  /** The next item, waiting at most `timeoutMs`; `onCancel` receives the hook that withdraws the wait. */
  next(timeoutMs: number, onCancel?: (cancel: () => void) => void): Waited<T> | Promise<Waited<T>> {
    if (this.items.length > 0) return this.items.shift()!;
    if (timeoutMs <= 0) return "timeout";
    return new Promise<Waited<T>>((resolve) => {
      const waiter: Waiter<T> = { resolve, timer: undefined };
      waiter.timer = setTimeout(() => {
        this.withdraw(waiter);
        resolve("timeout");
      }, timeoutMs);
      this.waiters.push(waiter);
      onCancel?.(() => {
        if (waiter.timer !== undefined) clearTimeout(waiter.timer);
        this.withdraw(waiter);
      });
    });
  }

  private withdraw(waiter: Waiter<T>): void {
    const at = this.waiters.indexOf(waiter);
    if (at >= 0) this.waiters.splice(at, 1);
  }
}
