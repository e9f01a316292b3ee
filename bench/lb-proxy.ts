/**
 * The benchmark's Gantry load balancer, in its own process so its CPU time can be read from
 * /proc/<pid>/stat apart from the bench's own work. Usage: lb-proxy.ts <port> [<port>...]; prints
 * `port=NNNN` once listening and runs until killed.
 */
import { LbMetrics, LoadBalancer } from '../src/local/lb/load-balancer.ts';

const ports = process.argv.slice(2).map(Number);
// With the Prometheus sink attached, as in the daemon, so the bench measures its cost too.
const lb = await LoadBalancer.listen({ service: 'api', metrics: new LbMetrics() });
lb.setBackends(ports.map((port, i) => ({ id: `api-${i}`, version: 'v1', host: '127.0.0.1', port })));
process.stdout.write(`port=${lb.port}\n`);
