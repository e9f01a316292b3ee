/**
 * A send that always ends with the latest: calls made in the same tick go out as one send, and a
 * call made while a send is on its way goes out in one more send after it. The daemon programs its
 * proxy so (data-plane.ts): a table change must never be lost between two sends.
 */
export class Coalesced {
  #running: Promise<void> | undefined;
  #pending = false;

  constructor(private readonly send: () => Promise<void>) {}

  /** Resolves once a send that began after this call has finished. */
  request(): Promise<void> {
    this.#pending = true;
    this.#running ??= this.#run();
    return this.#running;
  }

  /** A send is on its way (or about to start). */
  get busy(): boolean {
    return this.#running !== undefined;
  }

  async #run(): Promise<void> {
    await new Promise<void>((resolve) => setImmediate(resolve));
    try {
      // The flag is read and the promise cleared in one synchronous step: a call cannot land
      // between the last send and the end.
      while (this.#pending) {
        this.#pending = false;
        await this.send();
      }
    } finally {
      this.#running = undefined;
    }
  }
}
