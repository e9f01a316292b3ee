/**
 * The commented starter gantry.yaml that `gantry init` writes. Pure: the command detects
 * the app name and start command and passes them in. Values are written as YAML scalars
 * through the `yaml` package, so any name or command quotes itself correctly.
 */
import { stringify } from 'yaml';

export interface StarterOptions {
  app: string;
  run: string;
  port: number;
}

const scalar = (value: string | number) => stringify(value).trimEnd();

/** Lower-cases and replaces what a DNS label cannot hold: `@acme/My_Shop` → `my-shop`. */
export function toDnsLabel(text: string): string {
  const label = text
    .replace(/^@[^/]+\//, '')
    .toLowerCase()
    .replace(/[^a-z0-9-]+/g, '-')
    .replace(/^[^a-z]+/, '')
    .replace(/-+$/, '')
    .slice(0, 63)
    .replace(/-+$/, '');
  return label || 'app';
}

export function starterSpec({ app, run, port }: StarterOptions): string {
  return `# yaml-language-server: $schema=./gantry.schema.json
# gantry.yaml: one file describes how your app runs, scales and is released.
#   gantry validate          check this file (and every environment)
#   gantry up                run it on this machine
#   gantry render --env prod Kubernetes manifests
app: ${scalar(app)}

services:
  web:
    # What \`gantry up\` runs on this machine; PORT is set for each replica.
    run: ${scalar(run)}
    # What a cluster runs. Pin a version: \`latest\` is refused outside development.
    image: ${scalar(`ghcr.io/your-org/${app}:0.1.0`)}
    port: ${port}
    env:
      LOG_LEVEL: info
    # secrets: [DATABASE_URL]        # names only; values come from the environment or a secret store
    health:
      readiness: { path: /, periodSeconds: 5 }   # no traffic until this answers 2xx/3xx
      liveness: { tcp: true, periodSeconds: 10 }  # restarted when this fails 3 times in a row
    resources:
      requests: { cpu: 100m, memory: 128Mi }
      limits: { memory: 256Mi }
    replicas: 2
    shutdown: { preStopSeconds: 2, gracePeriodSeconds: 30 }
    release:
      strategy: rolling             # rolling | blue-green | canary
      maxSurge: 25%
      maxUnavailable: 0
      # Every release is measured before it is kept (success rate ≥ 99 %, p95 ≤ 200 ms by default)
      # and rolled back when it fails. Gantry sends these requests to the new version itself while
      # it measures, so a release needs no outside traffic: point them at pages your app serves.
      analysis:
        loadTest: { requests: [ { path: / } ], rate: 10 }
    # autoscale: { min: 2, max: 6, cpu: 70 }
    # routes: [ { host: ${app}.example.com } ]

environments:
  dev:
    services:
      web: { replicas: 1, env: { LOG_LEVEL: debug } }
  prod:
    services:
      web:
        replicas: 3
        disruption: { minAvailable: 2 }
`;
}
