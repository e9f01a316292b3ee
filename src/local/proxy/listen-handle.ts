/**
 * A bound TCP socket for the proxy's workers to accept on, made by the primary without accepting on
 * it itself. Every worker listens on the same socket (the kernel hands each connection to one of
 * them), and the primary keeps it to give to a worker it starts later.
 *
 * Node 20 has no public way to bind without accepting (`reusePort`, which would let each worker bind
 * its own socket, arrived in Node 22.12/23.1 and is ignored by Node 20: the second listen fails with
 * EADDRINUSE). `net._createServerHandle` is the function node:cluster's primary uses for exactly
 * this; it has been there since Node 0.x. libuv defers a bind error to listen(), so the port being
 * taken shows in getsockname's answer.
 */
import net from 'node:net';
import { constants } from 'node:os';

/** The raw handle node:net wraps (a TCP wrap); passed to workers over IPC and to net.Server#listen. */
export type ListenHandle = object & { close(callback?: () => void): void };

interface RawTcp extends ListenHandle {
  getsockname(out: { port?: number }): number;
}

type CreateServerHandle = (
  address: string,
  port: number,
  addressType: number,
  fd: number | undefined,
  flags: number,
) => RawTcp | number;

const createServerHandle = (net as unknown as { _createServerHandle?: CreateServerHandle })
  ._createServerHandle;

export class PortInUse extends Error {
  readonly code = 'EADDRINUSE';
  constructor(readonly port: number) {
    super(`port ${port} is in use`);
  }
}

/** Binds host:port (0: a free port). Throws PortInUse when it is taken. */
export function bindListenHandle(host: string, port: number): { handle: ListenHandle; port: number } {
  if (typeof createServerHandle !== 'function')
    throw new Error(
      `this Node.js (${process.version}) has no net._createServerHandle (node:cluster's); please report it with this version`,
    );
  const handle = createServerHandle(host, port, net.isIPv6(host) ? 6 : 4, undefined, 0);
  if (typeof handle === 'number') throw errnoError(handle, port);
  const address: { port?: number } = {};
  const status = handle.getsockname(address);
  if (status !== 0) {
    handle.close();
    throw errnoError(status, port);
  }
  return { handle, port: address.port! };
}

function errnoError(status: number, port: number): Error {
  if (-status === constants.errno.EADDRINUSE) return new PortInUse(port);
  return new Error(`cannot bind port ${port}: errno ${-status}`);
}
