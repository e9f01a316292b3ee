/**
 * The benchmark's Gantry load balancer, in its own process so its CPU time can be read from
 * /proc/<pid>/stat apart from the bench's own work. Usage: lb-proxy.ts <port> [<port>...]; prints
 * `port=NNNN` once listening and runs until killed.
 */
import { LoadBalancer } from '../src/local/lb/load-balancer.ts';
import { LbMetrics } from '../src/local/lb/metrics.ts';
import { ListenerTally } from '../src/local/lb/tally.ts';

const ports = process.argv.slice(2).map(Number);
const lb = await LoadBalancer.listen({ service: 'api' });
// Counted seconds collected as the proxy does, into windows and Prometheus series, so the bench pays for them too.
const tally = new ListenerTally('api', new LbMetrics());
setInterval(() => tally.add(lb.take()), 250);
lb.setBackends(ports.map((port, i) => ({ id: `api-${i}`, version: 'v1', host: '127.0.0.1', port })));
process.stdout.write(`port=${lb.port}\n`);
