import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { K8sObject } from '../../render/kubernetes/index.ts';
import {
  describePath,
  type FieldsV1,
  type LiveObject,
  leafPaths,
  type ManagedFieldsEntry,
  withoutReleaseFields,
} from './release-owned.ts';

const deployment = (): K8sObject => ({
  apiVersion: 'apps/v1',
  kind: 'Deployment',
  metadata: { name: 'api-green', namespace: 'shop' },
  spec: {
    replicas: 3,
    template: {
      metadata: { labels: { 'app.kubernetes.io/version': '1.4.2' } },
      spec: {
        containers: [{ name: 'api', image: 'ghcr.io/acme/shop-api:1.4.2', ports: [{ containerPort: 8000 }] }],
      },
    },
  },
});

const liveWith = (managedFields: ManagedFieldsEntry[]): LiveObject => ({
  ...deployment(),
  metadata: { ...deployment().metadata, managedFields },
});

// What the API server records for the release's image write: the container item, its key, the image.
const IMAGE: FieldsV1 = {
  'f:spec': {
    'f:template': {
      'f:metadata': { 'f:labels': { 'f:app.kubernetes.io/version': {} } },
      'f:spec': { 'f:containers': { 'k:{"name":"api"}': { '.': {}, 'f:name': {}, 'f:image': {} } } },
    },
  },
};
const REPLICAS: FieldsV1 = { 'f:spec': { 'f:replicas': {} } };

describe('withoutReleaseFields', () => {
  it("drops what release managers own (image, version label, replicas), keeping the container's key and the rest", () => {
    const live = liveWith([
      { manager: 'gantry', operation: 'Apply', fieldsV1: REPLICAS },
      { manager: 'gantry-release-image', operation: 'Apply', fieldsV1: IMAGE },
      { manager: 'gantry-release-replicas', operation: 'Apply', fieldsV1: REPLICAS },
      {
        manager: 'kube-controller-manager',
        operation: 'Update',
        fieldsV1: { 'f:status': { 'f:replicas': {} } },
      },
    ]);
    const { object, kept } = withoutReleaseFields(deployment(), live);
    assert.deepEqual(kept, [
      { manager: 'gantry-release-image', field: '.spec.template.metadata.labels.app.kubernetes.io/version' },
      { manager: 'gantry-release-image', field: '.spec.template.spec.containers[name="api"].image' },
      { manager: 'gantry-release-replicas', field: '.spec.replicas' },
    ]);
    const spec = object.spec as {
      replicas?: number;
      template: { spec: { containers: Record<string, unknown>[] } };
    };
    assert.equal(spec.replicas, undefined);
    assert.deepEqual(spec.template.spec.containers, [{ name: 'api', ports: [{ containerPort: 8000 }] }]);
    assert.equal(
      (deployment().spec as { replicas: number }).replicas,
      3,
      'the rendered object is not changed',
    );
  });

  it('keeps everything when no release wrote the object, or for fields the render does not have', () => {
    assert.deepEqual(withoutReleaseFields(deployment(), liveWith([])).kept, []);
    const selectorOnly = liveWith([
      {
        manager: 'gantry-release-selector',
        operation: 'Apply',
        fieldsV1: { 'f:spec': { 'f:selector': {} } },
      },
    ]);
    const { object, kept } = withoutReleaseFields(deployment(), selectorOnly);
    assert.deepEqual(kept, []);
    assert.deepEqual(object, deployment());
  });
});

describe('identity', () => {
  it('never drops apiVersion, kind, metadata or its name and namespace, whoever the API says owns them', () => {
    const claims = liveWith([
      {
        manager: 'gantry-release-state',
        operation: 'Apply',
        fieldsV1: { 'f:apiVersion': {}, 'f:kind': {}, 'f:metadata': {} },
      },
      {
        manager: 'gantry-release-image',
        operation: 'Apply',
        fieldsV1: { 'f:metadata': { 'f:name': {}, 'f:namespace': {} } },
      },
    ]);
    const { object, kept } = withoutReleaseFields(deployment(), claims);
    assert.deepEqual(kept, []);
    assert.deepEqual(object, deployment());
  });
});

describe('leafPaths and describePath', () => {
  it('lists leaves without `.` and without the key fields of list items', () => {
    assert.deepEqual(leafPaths(IMAGE).map(describePath), [
      '.spec.template.metadata.labels.app.kubernetes.io/version',
      '.spec.template.spec.containers[name="api"].image',
    ]);
  });
});
