/**
 * A proxy worker: one of the proxy's processes that serve requests, one per core. It gets each
 * listening socket and the table from its primary over IPC and runs a LoadBalancer per listener;
 * every REPORT_MS it sends what it counted.
 *
 * It outlives its primary: when the IPC channel goes (the primary was killed) it keeps serving on
 * its last table — with passive ejection of replicas that refuse — until a new proxy takes the
 * ports over and sends SIGTERM; then it drains (Connection: close on every answer, idle connections
 * closed) and exits once its connections are gone.
 */
import { LoadBalancer } from '../lb/load-balancer.ts';
import { type FromWorker, type ListenerCounts, REPORT_MS, type ToWorker } from './protocol.ts';

const listeners = new Map<string, LoadBalancer>();
/** Waiting for its socket: table entries that arrived first. */
const early = new Map<string, Extract<ToWorker, { type: 'table' }>['listeners'][number]>();
let stopping = false;

function send(message: FromWorker): void {
  if (process.connected) process.send?.(message);
}

function apply(entry: Extract<ToWorker, { type: 'table' }>['listeners'][number]): void {
  const lb = listeners.get(entry.key);
  if (!lb) {
    early.set(entry.key, entry);
    return;
  }
  lb.setBackends(entry.backends);
  if (entry.weights) lb.setWeights(entry.weights);
}

process.on('message', (message: ToWorker, handle?: object) => {
  switch (message.type) {
    case 'listen':
      if (!handle || listeners.has(message.key)) return;
      LoadBalancer.serve(handle, { service: message.service }).then(
        (lb) => {
          listeners.set(message.key, lb);
          const entry = early.get(message.key);
          early.delete(message.key);
          if (entry) apply(entry);
        },
        (error: Error) => send({ type: 'listen-failed', key: message.key, message: error.message }),
      );
      return;
    case 'close': {
      const lb = listeners.get(message.key);
      listeners.delete(message.key);
      early.delete(message.key);
      void lb?.close();
      return;
    }
    case 'table':
      for (const entry of message.listeners) apply(entry);
      return;
    case 'stop':
      void stop();
      return;
  }
});

/** The primary is gone: keep serving on the last table until a successor takes over. */
process.on('disconnect', () => {
  process.stdout.write(
    `proxy worker ${process.pid}: primary gone; serving on the last table until replaced\n`,
  );
});

process.on('SIGTERM', () => void drain());
process.on('SIGINT', () => void drain());

/** Hands the listeners to a successor: stop accepting, let connections finish, exit. */
async function drain(): Promise<void> {
  if (stopping) return;
  stopping = true;
  await Promise.all([...listeners.values()].map((lb) => lb.drain()));
  report();
  process.exit(0);
}

async function stop(): Promise<void> {
  if (stopping) return;
  stopping = true;
  report();
  await Promise.all([...listeners.values()].map((lb) => lb.close()));
  process.exit(0);
}

function report(): void {
  if (!process.connected) {
    // No one to tell: what was counted while orphaned is dropped (the proxy counts from its new start).
    for (const lb of listeners.values()) lb.take();
    return;
  }
  const counts: Record<string, ListenerCounts> = {};
  let any = false;
  for (const [key, lb] of listeners) {
    const taken = lb.take();
    if (taken.seconds.length === 0 && Object.keys(taken.served).length === 0) continue;
    counts[key] = taken;
    any = true;
  }
  if (any) send({ type: 'counts', listeners: counts });
}

setInterval(report, REPORT_MS);
send({ type: 'ready' });
