/** A size the cloud does not offer (no Fargate task holds the requests), and how to fix it. */
export class SizingError extends Error {
  constructor(
    message: string,
    readonly hint?: string,
  ) {
    super(message);
  }
}
