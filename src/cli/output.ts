/**
 * When the reader of gantry's output goes away (`gantry render | head -1`), the rest has
 * nowhere to go: the command ends there, quietly and successfully, as the rest of a pipeline
 * expects. Node ignores SIGPIPE, so without this the failed write surfaces as an unhandled
 * 'error' event with a stack trace. A command can choose what "ends" means for it: `gantry up`
 * in the foreground stops the app first, as Ctrl-C does.
 */
import { EXIT } from './errors.ts';

let onClosed: () => void | Promise<void> = () => process.exit(EXIT.ok);
let closed = false;

/** Replaces what happens when stdout closes (the handler must not write to stdout). */
export function whenOutputCloses(handler: () => void | Promise<void>): void {
  onClosed = handler;
}

/** Installs the handlers once, from the entry point. */
export function endQuietlyWhenOutputCloses(): void {
  process.stdout.on('error', (error: NodeJS.ErrnoException) => {
    if (error.code !== 'EPIPE') return fail(error);
    if (closed) return;
    closed = true;
    void Promise.resolve(onClosed()).finally(() => process.exit(EXIT.ok));
  });
  // stderr gone too (2>&1 | head): nothing left to tell anyone.
  process.stderr.on('error', () => process.exit(process.exitCode ?? EXIT.ok));
}

/** Another write error (a full disk, EIO): one line, no stack. */
function fail(error: NodeJS.ErrnoException): void {
  process.stderr.write(`gantry: cannot write the output: ${error.message}\n`);
  process.exit(EXIT.failed);
}
