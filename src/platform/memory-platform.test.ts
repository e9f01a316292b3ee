import { MemoryPlatform } from './memory-platform.ts';
import { platformContract } from './platform.contract.ts';
import { NO_METRICS } from './platform.ts';

platformContract('in memory', async () => {
  const platform = new MemoryPlatform({ api: { v1: { replicas: 3, weight: 100 } } });
  let served = 0;
  platform.measure = (_service, version) =>
    version === 'v1' && served > 0
      ? {
          ...NO_METRICS,
          windowSeconds: 30,
          requests: served,
          successRate: 1,
          latencyP50Ms: 1,
          latencyP95Ms: 2,
          latencyP99Ms: 3,
        }
      : NO_METRICS;
  return {
    platform,
    service: 'api',
    stable: { version: 'v1', replicas: 3 },
    next: 'v2',
    async sendTraffic(requests) {
      served += requests;
    },
    async close() {},
  };
});
