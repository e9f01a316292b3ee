import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { describeImagePullFailures, imagePullFailures } from './image-pull.ts';

describe('imagePullFailures', () => {
  const pod = (name: string, reason: string) => ({
    metadata: { name },
    spec: { containers: [{ name: 'api', image: 'ghcr.io/acme/api:9.9' }] },
    status: { containerStatuses: [{ name: 'api', state: { waiting: { reason, message: 'Back-off' } } }] },
  });
  it('reads waiting reasons and prefers the pull event message; one line per image', () => {
    const failures = imagePullFailures(
      [pod('api-1', 'ErrImagePull'), pod('api-2', 'ImagePullBackOff'), pod('api-3', 'ContainerCreating')],
      [
        {
          reason: 'Failed',
          message: 'Failed to pull image "ghcr.io/acme/api:9.9": not found',
          involvedObject: { name: 'api-1' },
        },
      ],
    );
    assert.deepEqual(
      failures.map((f) => [f.pod, f.reason, f.message]),
      [
        ['api-1', 'ErrImagePull', 'Failed to pull image "ghcr.io/acme/api:9.9": not found'],
        ['api-2', 'ImagePullBackOff', 'Back-off'],
      ],
    );
    assert.deepEqual(describeImagePullFailures(failures), [
      'image ghcr.io/acme/api:9.9 cannot be pulled (ErrImagePull, pod api-1 container api): Failed to pull image "ghcr.io/acme/api:9.9": not found',
    ]);
  });
});
