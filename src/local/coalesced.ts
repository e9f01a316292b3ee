/**
 * Work that always ends with the latest: a call made while a run is on its way is folded into one
 * more run after it (and, with `sameTick`, calls made in the same tick go out as one run). The
 * daemon programs its proxy so (data-plane.ts) and reconciles each service so
 * (service-controller.ts): a change must never be lost between two runs.
 */
export class Coalesced {
  #running: Promise<void> | undefined;
  #pending = false;

  constructor(
    private readonly work: () => Promise<void>,
    private readonly options: { sameTick?: boolean } = {},
  ) {}

  /** Resolves once a run that began after this call has finished. */
  request(): Promise<void> {
    this.#pending = true;
    this.#running ??= this.#run();
    return this.#running;
  }

  /** A run is on its way (or about to start). */
  get busy(): boolean {
    return this.#running !== undefined;
  }

  async #run(): Promise<void> {
    if (this.options.sameTick) await new Promise<void>((resolve) => setImmediate(resolve));
    try {
      // The flag is read and the promise cleared in one synchronous step: a call cannot land
      // between the last run and the end.
      while (this.#pending) {
        this.#pending = false;
        await this.work();
      }
    } finally {
      this.#running = undefined;
    }
  }
}
