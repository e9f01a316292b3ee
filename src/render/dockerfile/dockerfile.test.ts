import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { loadSpec } from '../../spec/load.ts';
import type { AppModel } from '../../spec/model.ts';
import { renderKubernetes } from '../kubernetes/index.ts';
import { RUN_AS_ID } from '../kubernetes/pod-template.ts';
import { execForm } from './command.ts';
import { DEFAULT_NODE_IMAGE, generateDockerfiles } from './dockerfile.ts';
import { lintDockerfile } from './lint-dockerfile.ts';
import { parseDockerfile } from './parse-dockerfile.ts';

const SHOP = readFileSync(new URL('../../../examples/shop/gantry.yaml', import.meta.url), 'utf8');

function model(text: string, env?: string): AppModel {
  const result = loadSpec(text, { file: 'gantry.yaml', target: 'cluster', ...(env ? { env } : {}) });
  assert.ok(result.ok, JSON.stringify(result.problems));
  return result.model;
}

const options = { specName: 'gantry.yaml' };
const args = (text: string, keyword: string) =>
  parseDockerfile(text)
    .stages.at(-1)!
    .instructions.filter((i) => i.keyword === keyword)
    .map((i) => i.args);

/** A one-service spec with the given service fields (YAML lines, indented under the service). */
const spec = (fields: string) =>
  `app: demo\nservices:\n  web:\n    image: ghcr.io/acme/web:1.0.0\n${fields
    .trim()
    .split('\n')
    .map((l) => `    ${l}`)
    .join('\n')}\n`;

describe('generateDockerfiles on the example shop', () => {
  const shop = model(SHOP, 'prod');
  const result = generateDockerfiles(shop, options);

  it('writes one Dockerfile per service and one .dockerignore for their shared context', () => {
    assert.deepEqual([...result.files.keys()], ['Dockerfile.api', 'Dockerfile.worker', '.dockerignore']);
    assert.deepEqual(result.findings, []);
  });

  it('passes our own Dockerfile rules', () => {
    for (const [path, text] of result.files)
      if (path.startsWith('Dockerfile')) assert.deepEqual(lintDockerfile(text), [], path);
  });

  it('runs as the UID, port and HOST gantry render puts in the pod', () => {
    const pod = renderKubernetes(shop)
      .objects.filter((o) => o.kind === 'Deployment')
      // biome-ignore lint/suspicious/noExplicitAny: walking a rendered Deployment by known paths
      .map((o) => (o as any).spec.template.spec);
    for (const service of ['api', 'worker']) {
      const text = result.files.get(`Dockerfile.${service}`)!;
      const podSpec = pod.find((p) => p.containers[0].name === service);
      const container = podSpec.containers[0];
      assert.equal(podSpec.securityContext.runAsUser, RUN_AS_ID);
      assert.deepEqual(args(text, 'USER'), [`${RUN_AS_ID}:${podSpec.securityContext.runAsGroup}`]);
      const port = container.ports[0].containerPort;
      assert.deepEqual(args(text, 'EXPOSE'), [String(port)]);
      const env = Object.fromEntries(
        container.env
          .filter((e: { value?: string }) => e.value)
          .map((e: { name: string; value: string }) => [e.name, e.value]),
      );
      assert.deepEqual(args(text, 'ENV').at(-1), `PORT=${env.PORT} HOST=${env.HOST}`);
    }
  });

  it('builds in two stages from the pinned default image, keeping production dependencies only', () => {
    const text = result.files.get('Dockerfile.api')!;
    const { stages } = parseDockerfile(text);
    assert.deepEqual(
      stages.map((s) => [s.base, s.name]),
      [
        [DEFAULT_NODE_IMAGE, 'build'],
        [DEFAULT_NODE_IMAGE, undefined],
      ],
    );
    const runs = stages[0]!.instructions.filter((i) => i.keyword === 'RUN').map((i) => i.args);
    assert.deepEqual(runs, [
      'npm ci --no-audit --no-fund',
      'npm run build --if-present && npm prune --omit=dev --no-audit --no-fund',
    ]);
    assert.ok(stages[1]!.instructions.some((i) => i.args === '--from=build /app /app'));
  });

  it('checks readiness as the probe says: path, port, period, timeout, failures, startup budget', () => {
    const text = result.files.get('Dockerfile.api')!;
    const [healthcheck] = args(text, 'HEALTHCHECK');
    // api: readiness /health/ready every 5 s; startup 1 s × 30 failures → 30 s start period.
    assert.match(healthcheck!, /^--interval=5s --timeout=1s --start-period=30s --retries=3 CMD \[/);
    const command = JSON.parse(healthcheck!.slice(healthcheck!.indexOf('CMD ') + 4)) as string[];
    assert.equal(command[0], 'node');
    assert.match(command[2]!, /fetch\("http:\/\/127\.0\.0\.1:8000\/health\/ready"/);
  });

  it('starts the service run command in exec form', () => {
    assert.deepEqual(args(result.files.get('Dockerfile.api')!, 'CMD'), ['["node","api/server.js"]']);
  });

  it('is deterministic: generating twice gives byte-identical files', () => {
    const again = generateDockerfiles(model(SHOP, 'prod'), options);
    assert.deepEqual([...again.files], [...result.files]);
  });
});

describe('the example shop’s committed Dockerfiles', () => {
  it('are what the generator makes of its spec today', () => {
    const generated = generateDockerfiles(model(SHOP), options);
    for (const [path, text] of generated.files) {
      const committed = readFileSync(new URL(`../../../examples/shop/${path}`, import.meta.url), 'utf8');
      assert.equal(
        committed,
        text,
        `examples/shop/${path} is stale: run \`gantry dockerfile -o .\` in examples/shop`,
      );
    }
  });
});

describe('generateDockerfiles, per service settings', () => {
  it('uses build.context, build.dockerfile, baseImage and workdir', () => {
    const m = model(
      spec(`
run: node server.js
workdir: app/web
port: 3000
build: { context: app, dockerfile: docker/web.Dockerfile, baseImage: "node:22.11.0-alpine" }`),
    );
    const result = generateDockerfiles(m, options);
    assert.deepEqual([...result.files.keys()], ['docker/web.Dockerfile', 'app/.dockerignore']);
    const text = result.files.get('docker/web.Dockerfile')!;
    assert.deepEqual(
      parseDockerfile(text).stages.map((s) => s.base),
      ['node:22.11.0-alpine', 'node:22.11.0-alpine'],
    );
    assert.deepEqual(args(text, 'WORKDIR'), ['/app/web']);
    // Alpine has BusyBox's addgroup/adduser, not Debian's groupadd/useradd.
    assert.deepEqual(args(text, 'RUN'), [
      'addgroup -S -g 10001 app && adduser -S -D -H -u 10001 -G app -s /sbin/nologin app',
    ]);
  });

  it('health: a TCP probe opens the port, an exec probe runs its command, no probe checks the port', () => {
    const tcp = generateDockerfiles(
      model(
        spec(
          'run: node s.js\nport: 3000\nhealth: { readiness: { tcp: true, port: 3001, periodSeconds: 7 } }',
        ),
      ),
      options,
    ).files.get('Dockerfile.web')!;
    assert.match(args(tcp, 'HEALTHCHECK')[0]!, /--interval=7s .*connect\(3001,'127\.0\.0\.1'\)/);
    const exec = generateDockerfiles(
      model(spec('run: node s.js\nport: 3000\nhealth: { readiness: { exec: [node, check.js] } }')),
      options,
    ).files.get('Dockerfile.web')!;
    assert.match(args(exec, 'HEALTHCHECK')[0]!, /CMD \["node","check.js"\]$/);
    const none = generateDockerfiles(model(spec('run: node s.js\nport: 3000')), options).files.get(
      'Dockerfile.web',
    )!;
    assert.match(
      args(none, 'HEALTHCHECK')[0]!,
      /--interval=10s --timeout=1s --start-period=0s --retries=3 .*connect\(3000,/,
    );
    const portless = generateDockerfiles(model(spec('run: node s.js')), options).files.get('Dockerfile.web')!;
    assert.deepEqual(args(portless, 'HEALTHCHECK'), ['NONE']);
    assert.deepEqual(args(portless, 'EXPOSE'), []);
  });

  it('an unpinned baseImage, a missing run or a path outside the folder is a finding at its field', () => {
    const result = generateDockerfiles(
      model(spec('build: { context: ../elsewhere, baseImage: "node:latest" }')),
      options,
    );
    assert.deepEqual(
      result.findings.map((f) => [f.path.join('.'), f.message]),
      [
        ['services.web', 'has no `run` command: the image needs one for its CMD'],
        ['services.web.build.context', "../elsewhere is outside the spec's folder"],
        [
          'services.web.workdir',
          '. is outside the build context ../elsewhere, so the image would not contain it',
        ],
        ['services.web.build.baseImage', 'node:latest is not pinned: a rebuild may get a different runtime'],
      ],
    );
    assert.equal(result.files.size, 0);
  });

  it('skips a non-Node service with a note, or refuses it when asked for by name', () => {
    const m = model(spec('run: python app.py'));
    const all = generateDockerfiles(m, options);
    assert.equal(all.files.size, 0);
    assert.match(all.notes[0]!, /^web: skipped, `python app.py` is not a Node command/);
    const named = generateDockerfiles(m, { ...options, services: ['web'] });
    assert.equal(named.findings[0]!.path.join('.'), 'services.web.run');
  });
});

describe('execForm', () => {
  const cases: [string, string, string[]][] = [
    ['plain words', 'node api/server.js', ['node', 'api/server.js']],
    [
      'quotes kept together',
      `node -e "console.log('a b')" 'x y'`,
      ['node', '-e', "console.log('a b')", 'x y'],
    ],
    [
      'a shell operator needs a shell',
      'npm run migrate && node s.js',
      ['/bin/sh', '-c', 'exec npm run migrate && node s.js'],
    ],
    ['a variable needs a shell', 'node s.js --port $PORT', ['/bin/sh', '-c', 'exec node s.js --port $PORT']],
    ['quoted operators do not', `node -e "a && b"`, ['node', '-e', 'a && b']],
  ];
  for (const [name, run, argv] of cases) it(name, () => assert.deepEqual(execForm(run).argv, argv));
});
