import type { Rule } from '../rule.ts';
import { isJson, workloadContainers } from '../workload.ts';

/** Names that usually hold a credential (env names here, ConfigMap keys in secret-in-configmap). */
export const SECRET_NAME =
  /PASSWORD|PASSWD|PASSPHRASE|SECRET|TOKEN|API_?KEY|PRIVATE_?KEY|ACCESS_?KEY|CREDENTIAL/i;
/** …unless they only point at one (a file, a path). */
export const REFERENCE_NAME = /_(FILE|PATH|DIR)$/i;
/** …or name one rather than hold it: `DB_SECRET_NAME: db-credentials`, `TOKEN_SECRET_REF`, `VAULT_SECRET_NAMESPACE`. */
export const NAMES_ONE = /_(NAME|REF|NAMESPACE)$/i;
/** Values that are settings, not credentials: `TOKEN_AUTH_ENABLED: "true"`. */
export const SETTING_VALUE = /^(true|false)$/i;
/** `$(OTHER_VAR)` expands another variable: not a literal. */
const ONLY_EXPANSION = /^\$\([A-Za-z_][A-Za-z0-9_]*\)$/;

export const secretInEnv: Rule = {
  id: 'secret-in-env',
  severity: 'error',
  category: 'security',
  title: 'Secret as a literal env value',
  why: 'A literal value sits in the manifest, in git and in `kubectl get -o yaml` for anyone who can read the workload.',
  fix: 'env:\n  - name: DB_PASSWORD\n    valueFrom:\n      secretKeyRef: { name: db, key: password }',
  docs: 'https://kubernetes.io/docs/concepts/configuration/secret/#using-secrets-as-environment-variables',
  aliases: {
    kubeLinter: ['env-var-secret'], // names matching /secret/i only
    polaris: ['sensitiveContainerEnvVar'], // literal values of PASSWORD/TOKEN/SECRET/… names
    // kube-score has none; Checkov's CKV_K8S_35 flags secretKeyRef in env (the opposite advice), so it is not an alias.
  },
  check(object) {
    const workload = workloadContainers(object);
    if (!workload) return [];
    return workload.containers.flatMap(({ container, name, path }) =>
      (Array.isArray(container.env) ? container.env : []).flatMap((env: unknown, index) =>
        isJson(env) &&
        typeof env.name === 'string' &&
        SECRET_NAME.test(env.name) &&
        !REFERENCE_NAME.test(env.name) &&
        !NAMES_ONE.test(env.name) &&
        isLiteral(env.value)
          ? [
              {
                container: name,
                path: [...path, 'env', index, 'value'],
                message: `env ${env.name} holds a literal value`,
              },
            ]
          : [],
      ),
    );
  },
};

function isLiteral(value: unknown): boolean {
  if (typeof value === 'number') return true;
  if (typeof value !== 'string') return false;
  const text = value.trim();
  return text !== '' && !ONLY_EXPANSION.test(text) && !SETTING_VALUE.test(text);
}
