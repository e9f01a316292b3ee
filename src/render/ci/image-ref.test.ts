import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { imageRepository, registrySecretNames } from './image-ref.ts';

describe('imageRepository: where CI pushes a service image', () => {
  const cases: [name: string, image: string, registry: string, repository: string][] = [
    ['ghcr.io with tag', 'ghcr.io/acme/shop-api:1.4.2', 'ghcr.io', 'ghcr.io/acme/shop-api'],
    ['registry with a port', 'localhost:5000/api:1.0', 'localhost:5000', 'localhost:5000/api'],
    [
      'registry with port, no tag',
      'registry.example.com:5000/team/web',
      'registry.example.com:5000',
      'registry.example.com:5000/team/web',
    ],
    ['digest', `ghcr.io/acme/api@sha256:${'a'.repeat(64)}`, 'ghcr.io', 'ghcr.io/acme/api'],
    ['tag and digest', `ghcr.io/acme/api:1.2@sha256:${'b'.repeat(64)}`, 'ghcr.io', 'ghcr.io/acme/api'],
    ['Docker Hub user image', 'acme/jobs:2.1.0', 'docker.io', 'acme/jobs'],
    ['Docker Hub official image', 'nginx:1.27', 'docker.io', 'nginx'],
    ['localhost without port', 'localhost/api:1', 'localhost', 'localhost/api'],
    [
      'ECR',
      '123456789012.dkr.ecr.eu-west-1.amazonaws.com/shop/api:3',
      '123456789012.dkr.ecr.eu-west-1.amazonaws.com',
      '123456789012.dkr.ecr.eu-west-1.amazonaws.com/shop/api',
    ],
  ];
  for (const [name, image, registry, repository] of cases)
    it(name, () => assert.deepEqual(imageRepository(image), { registry, repository }));
});

describe('registrySecretNames', () => {
  it('upper-cases the host and turns every other character into _', () => {
    assert.deepEqual(registrySecretNames('registry.example.com:5000'), {
      username: 'REGISTRY_REGISTRY_EXAMPLE_COM_5000_USERNAME',
      password: 'REGISTRY_REGISTRY_EXAMPLE_COM_5000_PASSWORD',
    });
    assert.equal(registrySecretNames('docker.io').password, 'REGISTRY_DOCKER_IO_PASSWORD');
  });
});
