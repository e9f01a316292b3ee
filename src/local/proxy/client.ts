/** The daemon's end of the proxy's unix socket: requests with answers, and the counts the proxy pushes. */
import net from 'node:net';
import { type Push, type Reply, type Request, readLines } from './protocol.ts';

type Op = Request extends infer R ? (R extends { op: infer O } ? O : never) : never;
type RequestOf<O extends Op> = Omit<Extract<Request, { op: O }>, 'id' | 'op'>;

export class ProxyClient {
  private nextId = 1;
  private readonly waiting = new Map<
    number,
    { resolve(result: unknown): void; reject(error: Error): void }
  >();
  private closedError: Error | undefined;

  private constructor(
    private readonly socket: net.Socket,
    onPush: (push: Push) => void,
    onClose: () => void,
  ) {
    readLines(socket, (line) => {
      let message: Reply | Push;
      try {
        message = JSON.parse(line) as Reply | Push;
      } catch {
        return;
      }
      if ('push' in message) onPush(message);
      else this.settle(message);
    });
    socket.on('error', () => socket.destroy());
    socket.on('close', () => {
      this.closedError = new Error('the proxy closed its socket');
      for (const { reject } of this.waiting.values()) reject(this.closedError);
      this.waiting.clear();
      onClose();
    });
  }

  /** Connects, retrying while the socket is not there yet, until `timeoutMs` has passed. */
  static async connect(
    path: string,
    handlers: { onPush(push: Push): void; onClose(): void },
    timeoutMs: number,
    alive: () => boolean = () => true,
  ): Promise<ProxyClient> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      try {
        const socket = await new Promise<net.Socket>((resolve, reject) => {
          const socket = net.connect(path);
          socket.once('connect', () => {
            socket.off('error', reject);
            resolve(socket);
          });
          socket.once('error', reject);
        });
        return new ProxyClient(socket, handlers.onPush, handlers.onClose);
      } catch (error) {
        if (Date.now() > deadline || !alive()) throw error;
        await new Promise((resolve) => setTimeout(resolve, 25));
      }
    }
  }

  request<O extends Op>(op: O, body: RequestOf<O>, timeoutMs = 30_000): Promise<unknown> {
    if (this.closedError) return Promise.reject(this.closedError);
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.waiting.delete(id);
        reject(new Error(`the proxy did not answer ${op} within ${timeoutMs / 1000}s`));
      }, timeoutMs);
      this.waiting.set(id, {
        resolve: (result) => {
          clearTimeout(timer);
          resolve(result);
        },
        reject: (error) => {
          clearTimeout(timer);
          reject(error);
        },
      });
      this.socket.write(`${JSON.stringify({ id, op, ...body })}\n`);
    });
  }

  close(): void {
    this.socket.destroy();
  }

  private settle(reply: Reply): void {
    const waiter = this.waiting.get(reply.id);
    if (!waiter) return;
    this.waiting.delete(reply.id);
    if (reply.ok) waiter.resolve(reply.result);
    else waiter.reject(new Error(reply.error));
  }
}
