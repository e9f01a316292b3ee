import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  type DeploymentLike,
  deploymentVersion,
  imageAt,
  stableReplicasByRatio,
  weightsByReplicas,
} from './release-objects.ts';

describe('imageAt', () => {
  const rows: [name: string, image: string, version: string, expected: string][] = [
    ['a tag is replaced', 'ghcr.io/acme/api:1.0.0', '1.1.0', 'ghcr.io/acme/api:1.1.0'],
    ['a registry port is not a tag', 'registry:5000/api:1.0.0', '2', 'registry:5000/api:2'],
    ['no tag gets one', 'registry:5000/api', '2', 'registry:5000/api:2'],
    ['a digest is dropped', 'ghcr.io/acme/api:1.0.0@sha256:0123456789abcdef', '2', 'ghcr.io/acme/api:2'],
  ];
  for (const [name, image, version, expected] of rows)
    it(name, () => assert.equal(imageAt(image, version), expected));
});

describe('imageAt with a digest (gantry deploy --digest)', () => {
  const digest = `sha256:${'ab'.repeat(32)}`;
  it('the tag for people, the digest for the kubelet', () =>
    assert.equal(imageAt('ghcr.io/acme/api:1.0.0', 'f00d', digest), `ghcr.io/acme/api:f00d@${digest}`));
  it('an old digest is replaced, not kept', () =>
    assert.equal(
      imageAt(`ghcr.io/acme/api:1.0.0@sha256:${'cd'.repeat(32)}`, 'f00d', digest),
      `ghcr.io/acme/api:f00d@${digest}`,
    ));
});

describe('stableReplicasByRatio', () => {
  // canarySplit(total, weight): canary = max(1, round(total × weight / 100)), stable = total − canary (≥ 1 below 100).
  const rows: [name: string, requested: number, canaryWeight: number, stable: number][] = [
    ['no canary weight: everything asked', 4, 0, 4],
    ['4 at 25 %: one pod to the canary', 4, 25, 3],
    ['10 at 10 %', 10, 10, 9],
    ['3 at 10 %: at least one canary pod', 3, 10, 2],
    ['2 at 90 %: the stable keeps one below 100 %', 2, 90, 1],
    ['at 100 % the stable gives all', 4, 100, 0],
  ];
  for (const [name, requested, weight, stable] of rows)
    it(name, () => assert.equal(stableReplicasByRatio(requested, weight), stable));
});

describe('weightsByReplicas', () => {
  it('shares of ready pods, to one decimal', () =>
    assert.deepEqual(
      weightsByReplicas([
        { version: 'v1', desired: 4, ready: 2 },
        { version: 'v2', desired: 1, ready: 1 },
      ]),
      { v1: 66.7, v2: 33.3 },
    ));
  it('shares of desired pods while none is ready', () =>
    assert.deepEqual(
      weightsByReplicas([
        { version: 'v1', desired: 3, ready: 0 },
        { version: 'v2', desired: 1, ready: 0 },
      ]),
      { v1: 75, v2: 25 },
    ));
  it('nothing at all: 0, not NaN', () =>
    assert.deepEqual(weightsByReplicas([{ version: 'v1', desired: 0, ready: 0 }]), { v1: 0 }));
});

describe('deploymentVersion', () => {
  const deployment = (labels: Record<string, string>, image: string): DeploymentLike => ({
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name: 'api' },
    spec: { template: { metadata: { labels }, spec: { containers: [{ name: 'api', image }] } } },
  });
  it('the pods’ version label first', () =>
    assert.equal(deploymentVersion(deployment({ 'app.kubernetes.io/version': '1.2.0' }, 'api:9')), '1.2.0'));
  it('else the image tag', () =>
    assert.equal(deploymentVersion(deployment({}, 'ghcr.io/acme/api:1.3.0')), '1.3.0'));
});
