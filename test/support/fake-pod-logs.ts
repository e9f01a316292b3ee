/**
 * Pod logs for the day-2 contract tests (fake API server): a front on 127.0.0.1 that answers
 * GET /api/v1/namespaces/NS/pods/POD/log from `logs` (plain text, as the API does without
 * follow) and passes every other request through to a FakeKubeApi. Not a cluster. Its
 * `portForward` answers pods' port-forward WebSocket upgrades (fake-port-forward.ts).
 */
import { createServer, request, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { FakePortForward } from './fake-port-forward.ts';

const LOG_PATH = /^\/api\/v1\/namespaces\/([^/]+)\/pods\/([^/]+)\/log$/;

export class FakePodLogs {
  /** `namespace/pod` → the container's log text. */
  readonly logs = new Map<string, string>();
  /** Every log request's pod (`namespace/pod`) and query. */
  readonly requests: { pod: string; query: Record<string, string> }[] = [];
  readonly portForward = new FakePortForward();
  private server: Server | undefined;

  async start(upstream: string): Promise<string> {
    const target = new URL(upstream);
    this.server = createServer((req, res) => {
      const url = new URL(req.url ?? '/', 'http://fake');
      const log = LOG_PATH.exec(url.pathname);
      if (req.method === 'GET' && log) {
        const pod = `${log[1]}/${log[2]}`;
        this.requests.push({ pod, query: Object.fromEntries(url.searchParams) });
        const text = this.logs.get(pod);
        if (text === undefined) {
          res.writeHead(404, { 'content-type': 'application/json' });
          res.end(
            JSON.stringify({
              kind: 'Status',
              status: 'Failure',
              code: 404,
              reason: 'NotFound',
              message: `pods "${log[2]}" not found`,
            }),
          );
          return;
        }
        res.writeHead(200, { 'content-type': 'text/plain' });
        res.end(text);
        return;
      }
      const forwarded = request(
        { host: target.hostname, port: target.port, path: req.url, method: req.method, headers: req.headers },
        (answer) => {
          res.writeHead(answer.statusCode ?? 502, answer.headers);
          answer.pipe(res);
        },
      );
      forwarded.on('error', () => res.destroy());
      req.pipe(forwarded);
    });
    this.portForward.attach(this.server);
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve));
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  async stop(): Promise<void> {
    this.server?.closeAllConnections();
    await new Promise<void>((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
  }
}
