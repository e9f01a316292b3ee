/** The cost core's one domain error: an estimate that cannot be made as asked, and how to fix it. */
export class CostError extends Error {
  constructor(
    message: string,
    readonly hint?: string,
  ) {
    super(message);
  }
}
