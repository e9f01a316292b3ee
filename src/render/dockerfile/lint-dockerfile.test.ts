import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { isPinnedImage, lintDockerfile } from './lint-dockerfile.ts';
import { parseDockerfile } from './parse-dockerfile.ts';

/** A Dockerfile that passes every rule; each bad case below changes one thing. */
const GOOD = `# escape=\\
FROM node:20.20.2-bookworm-slim AS build
RUN apt-get update \\
 # a comment inside a continued RUN
 && apt-get install -y --no-install-recommends python3 \\
 && rm -rf /var/lib/apt/lists/*
FROM build AS test
FROM node:20.20.2-bookworm-slim
COPY --from=build /app /app
USER 10001:10001
HEALTHCHECK CMD ["node","-e","1"]
CMD ["node","server.js"]
`;

const rules = (text: string) => lintDockerfile(text).map((f) => [f.rule, f.line]);

describe('lintDockerfile', () => {
  it('a careful Dockerfile passes (a stage built from an earlier one is not an image)', () => {
    assert.deepEqual(lintDockerfile(GOOD), []);
  });

  const bad: [string, string, [string, number][]][] = [
    [
      'latest tag',
      GOOD.replace('FROM node:20.20.2-bookworm-slim\n', 'FROM node:latest\n'),
      [['pinned-base-image', 8]],
    ],
    [
      'no tag',
      GOOD.replace('FROM node:20.20.2-bookworm-slim AS build', 'FROM node AS build'),
      [['pinned-base-image', 2]],
    ],
    ['no USER in the final stage', GOOD.replace('USER 10001:10001\n', ''), [['non-root-user', 8]]],
    ['USER root', GOOD.replace('USER 10001:10001', 'USER root'), [['non-root-user', 10]]],
    ['USER 0:0', GOOD.replace('USER 10001:10001', 'USER 0:0'), [['non-root-user', 10]]],
    [
      'ADD of a URL',
      GOOD.replace('COPY --from', 'ADD https://example.com/tool.tgz /opt/\nCOPY --from'),
      [['no-add-url', 9]],
    ],
    [
      'apt lists left in the layer',
      GOOD.replace(' \\\n && rm -rf /var/lib/apt/lists/*', ''),
      [['apt-lists-cleaned', 3]],
    ],
    ['apt recommends', GOOD.replace('--no-install-recommends ', ''), [['apt-no-recommends', 3]]],
    ['no HEALTHCHECK', GOOD.replace('HEALTHCHECK CMD ["node","-e","1"]\n', ''), [['healthcheck', 8]]],
  ];
  for (const [name, text, expected] of bad)
    it(`fails: ${name}`, () => assert.deepEqual(rules(text), expected));

  it('a root USER in the build stage only is fine; the last USER of the final stage counts', () => {
    const text = GOOD.replace('FROM build AS test', 'USER root').replace(
      'USER 10001:10001',
      'USER root\nUSER app',
    );
    assert.deepEqual(lintDockerfile(text), []);
  });
});

describe('isPinnedImage', () => {
  const cases: [string, boolean][] = [
    ['node:20.20.2-bookworm-slim', true],
    ['ghcr.io/acme/base:1.2', true],
    ['registry:5000/acme/base:1.2', true],
    [`node@sha256:${'a'.repeat(64)}`, true],
    ['node', false],
    ['node:latest', false],
    ['registry:5000/acme/base', false],
  ];
  for (const [image, pinned] of cases)
    it(`${image} → ${pinned}`, () => assert.equal(isPinnedImage(image), pinned));
});

describe('parseDockerfile', () => {
  it('joins continuations, skips comments, keeps the starting line', () => {
    const { instructions, stages } = parseDockerfile(GOOD);
    assert.deepEqual(
      instructions.map((i) => [i.line, i.keyword]),
      [
        [2, 'FROM'],
        [3, 'RUN'],
        [7, 'FROM'],
        [8, 'FROM'],
        [9, 'COPY'],
        [10, 'USER'],
        [11, 'HEALTHCHECK'],
        [12, 'CMD'],
      ],
    );
    assert.equal(
      instructions[1]!.args,
      'apt-get update && apt-get install -y --no-install-recommends python3 && rm -rf /var/lib/apt/lists/*',
    );
    assert.deepEqual(
      stages.map((s) => [s.base, s.name ?? null]),
      [
        ['node:20.20.2-bookworm-slim', 'build'],
        ['build', 'test'],
        ['node:20.20.2-bookworm-slim', null],
      ],
    );
  });
});
