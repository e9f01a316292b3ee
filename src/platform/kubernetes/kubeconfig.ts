/**
 * Finding and loading the user's kubeconfig the way kubectl does, with errors that say where we
 * looked. client-node's `loadFromDefault` silently falls back to http://localhost:8080 when there is
 * no kubeconfig at all (users then read a TLS error about that made-up server), and fails on the
 * first missing file of a $KUBECONFIG list, which kubectl skips.
 */
import { existsSync } from 'node:fs';
import { homedir } from 'node:os';
import { delimiter, join } from 'node:path';
import { KubeConfig } from '@kubernetes/client-node';
import { KubeError } from './api-failure.ts';

/** Where a pod's service account is mounted: client-node then talks to the cluster it runs in. */
const IN_CLUSTER_TOKEN = '/var/run/secrets/kubernetes.io/serviceaccount/token';

const POINT_AT_A_CLUSTER =
  'point Gantry at a cluster with --kubeconfig PATH (and --context NAME) or KUBECONFIG=PATH, or write ~/.kube/config (aws eks update-kubeconfig, gcloud container clusters get-credentials and az aks get-credentials do)';

/** The files kubectl reads, in order: $KUBECONFIG's list when set, else ~/.kube/config. */
export function kubeconfigCandidates(
  env: NodeJS.ProcessEnv = process.env,
  home = homedir(),
): { files: string[]; fromEnv: boolean } {
  const list = (env.KUBECONFIG ?? '').split(delimiter).filter((f) => f.length > 0);
  return list.length > 0
    ? { files: list, fromEnv: true }
    : { files: [join(home, '.kube', 'config')], fromEnv: false };
}

/** Loads `--kubeconfig` or the default files (merged like kubectl); a KubeError saying what is missing. */
export function loadKubeconfig(kubeconfig: string | undefined): { config: KubeConfig; files: string[] } {
  const config = new KubeConfig();
  if (kubeconfig !== undefined) {
    if (!existsSync(kubeconfig))
      throw new KubeError(`--kubeconfig ${kubeconfig}: no such file`, 'pass the path of a kubeconfig file');
    readOrFail(() => config.loadFromFile(kubeconfig), kubeconfig);
    return { config, files: [kubeconfig] };
  }
  const { files, fromEnv } = kubeconfigCandidates();
  const found = files.filter((f) => existsSync(f));
  if (found.length === 0) {
    if (existsSync(IN_CLUSTER_TOKEN)) {
      config.loadFromCluster();
      return { config, files: [] };
    }
    const where = fromEnv ? `${files.join(', ')} (from KUBECONFIG)` : `${files[0]} (KUBECONFIG is not set)`;
    throw new KubeError(`no kubeconfig: looked for ${where} and found none`, POINT_AT_A_CLUSTER);
  }
  readOrFail(() => config.loadFromFile(found[0]!), found[0]!);
  for (const file of found.slice(1)) {
    const next = new KubeConfig();
    readOrFail(() => next.loadFromFile(file), file);
    config.mergeConfig(next);
  }
  return { config, files: found };
}

/** Selects `--context` or checks the current one names a context and a cluster that exist. */
export function selectContext(config: KubeConfig, files: string[], context: string | undefined): void {
  const where = files.length > 0 ? files.join(', ') : 'the kubeconfig';
  const known = config.getContexts().map((c) => c.name);
  const contexts =
    known.length > 0
      ? `contexts in it: ${known.join(', ')}`
      : `${where} defines no contexts; ${POINT_AT_A_CLUSTER}`;
  if (context !== undefined) {
    if (!config.getContextObject(context))
      throw new KubeError(`--context ${context}: no such context in ${where}`, contexts);
    config.setCurrentContext(context);
  }
  const current = config.getCurrentContext();
  if (!current) throw new KubeError(`${where} sets no current-context`, `pass --context NAME (${contexts})`);
  const object = config.getContextObject(current);
  if (!object)
    throw new KubeError(
      `current-context ${current} is not defined in ${where}`,
      `pass --context NAME (${contexts})`,
    );
  if (!config.getCurrentCluster())
    throw new KubeError(
      `context ${current} names cluster ${object.cluster}, which ${where} does not define`,
      'add the cluster to the kubeconfig, or pass --context NAME',
    );
}

function readOrFail(load: () => void, file: string): void {
  try {
    load();
  } catch (error) {
    throw new KubeError(`cannot read the kubeconfig ${file}: ${(error as Error).message}`);
  }
}
