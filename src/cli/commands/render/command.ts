/**
 * `gantry render`: the Kubernetes objects for the spec (one environment, or the base), as a
 * YAML stream on stdout, one file per object under -o DIR, Kustomize base + overlays or a Helm
 * chart (values-<env>.yaml per environment);
 * or, with --format compose, a docker-compose.yml for the same app.
 */
import { Option } from 'commander';
import type { GantryCommand } from '../../command.ts';
import { DEFAULT_SPEC } from '../../spec-file.ts';
import type { Options } from './run.ts';

export const renderCommand: GantryCommand = {
  register(program, run) {
    program
      .command('render')
      .description('render the Kubernetes manifests for gantry.yaml (the base spec, or --env NAME)')
      .option('-f, --file <file>', 'the spec file', DEFAULT_SPEC)
      .option(
        '-e, --env <name>',
        'render this environment (kustomize: only its overlay; helm: only its values file)',
      )
      .addOption(
        new Option(
          '--format <format>',
          'plain YAML, Kustomize base + overlays (needs -o), a Helm chart (needs -o), or docker-compose.yml',
        )
          .choices(['yaml', 'kustomize', 'helm', 'compose'])
          .default('yaml'),
      )
      .option('-o, --output <dir>', 'write files into this directory instead of stdout')
      .option('-n, --namespace <ns>', 'put every object in this namespace and render the Namespace')
      .addOption(
        new Option('--active <colour>', 'blue-green: the colour the Service selects').choices([
          'blue',
          'green',
        ]),
      )
      .addOption(
        new Option(
          '--traffic <how>',
          'canary: split by replica ratio, or exact weights with a Gateway API HTTPRoute',
        ).choices(['replicas', 'gateway']),
      )
      .option(
        '--monitoring',
        'also render PodMonitors, PrometheusRules (SLO alerts) and a Grafana dashboard (prometheus-operator)',
      )
      .option(
        '--monitoring-namespace <ns>',
        'the namespace Prometheus runs in: NetworkPolicies let it scrape the pods',
        'monitoring',
      )
      .option('--chart-version <semver>', 'helm: the chart version in Chart.yaml (default 0.1.0)')
      .option(
        '--app-version <version>',
        "helm: the appVersion in Chart.yaml (default: the services' image tag, when they share one)",
      )
      // Compose does not load the Kubernetes renderer (and its schemas): a separate module.
      .action((options: Options) =>
        run(async () =>
          options.format === 'compose'
            ? (await import('./compose.ts')).renderComposeFile(options)
            : (await import('./run.ts')).render(options),
        ),
      );
  },
};
