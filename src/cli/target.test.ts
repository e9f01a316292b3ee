import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { chooseTarget } from './target.ts';

describe('chooseTarget: local daemon or cluster', () => {
  const cases: [
    string,
    { env?: string; context?: string; kubeconfig?: string },
    string | null | undefined,
    string,
  ][] = [
    ['no flags: local, as before', {}, undefined, 'local'],
    ['no flags, a daemon running: local', {}, null, 'local'],
    ['--env and no local daemon: the cluster', { env: 'prod' }, undefined, 'cluster'],
    ['--env of the running local daemon: local', { env: 'dev' }, 'dev', 'local'],
    ['--env other than the local daemon’s: the cluster', { env: 'prod' }, 'dev', 'cluster'],
    ['--env while the daemon runs the base spec: the cluster', { env: 'prod' }, null, 'cluster'],
    ['--context: the cluster even with the local env', { env: 'dev', context: 'kind' }, 'dev', 'cluster'],
    ['--kubeconfig alone: the cluster', { kubeconfig: '/k' }, undefined, 'cluster'],
  ];
  for (const [name, options, local, expected] of cases)
    it(name, () => assert.equal(chooseTarget(options, local), expected));
});
