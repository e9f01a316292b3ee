import type { Rule, Violation } from '../rule.ts';
import { isJson } from '../workload.ts';
import { NAMES_ONE, REFERENCE_NAME, SECRET_NAME } from './secret-in-env.ts';

/** A PEM private key block: `-----BEGIN PRIVATE KEY-----`, `…RSA PRIVATE KEY…`, `…OPENSSH PRIVATE KEY…`. */
const PEM_PRIVATE_KEY = /-----BEGIN [A-Z0-9 ]*PRIVATE KEY-----/;
/** Values that are settings, not credentials: `TOKEN_AUTH_ENABLED: "true"`, `${DB_PASSWORD}` filled in later. */
const NOT_A_CREDENTIAL = /^(true|false|\$\{[A-Za-z_][A-Za-z0-9_]*\}|\$\([A-Za-z_][A-Za-z0-9_]*\))$/i;

/**
 * Keys are matched with the env rule's name pattern after `-` and `.` become `_` and camelCase
 * is split (`db.password`, `api-key`, `apiKey`). binaryData values are base64: decoded for the PEM check.
 */
export const secretInConfigMap: Rule = {
  id: 'secret-in-configmap',
  severity: 'error',
  category: 'security',
  title: 'Secret in a ConfigMap',
  why: 'ConfigMaps are not secret: anyone who can read ConfigMaps in the namespace (many roles can, `view` included) reads the value, and it sits in git and in plain text in etcd.',
  fix: 'apiVersion: v1\nkind: Secret\nmetadata:\n  name: db\ntype: Opaque\nstringData:\n  DB_PASSWORD: change-me   # better: created outside git (External Secrets, Sealed Secrets)',
  docs: 'https://kubernetes.io/docs/concepts/configuration/configmap/',
  aliases: {
    polaris: ['sensitiveConfigmapContent'],
  },
  check(object) {
    if (object.kind !== 'ConfigMap') return [];
    return [...entries(object.data, 'data', false), ...entries(object.binaryData, 'binaryData', true)];
  },
};

function entries(map: unknown, field: string, base64: boolean): Violation[] {
  if (!isJson(map)) return [];
  return Object.entries(map).flatMap(([key, raw]) => {
    const value = typeof raw === 'number' ? String(raw) : typeof raw === 'string' ? raw : undefined;
    if (value === undefined || value.trim() === '') return [];
    const text = base64 ? decodeBase64(value) : value;
    if (text !== undefined && PEM_PRIVATE_KEY.test(text))
      return [{ path: [field, key], message: `${field} key ${key} holds a PEM private key` }];
    if (looksLikeSecretName(key) && !NOT_A_CREDENTIAL.test(value.trim()))
      return [{ path: [field, key], message: `${field} key ${key} holds a literal value` }];
    return [];
  });
}

function looksLikeSecretName(key: string): boolean {
  const name = key.replace(/([a-z0-9])([A-Z])/g, '$1_$2').replace(/[-.]/g, '_');
  return SECRET_NAME.test(name) && !REFERENCE_NAME.test(name) && !NAMES_ONE.test(name);
}

function decodeBase64(value: string): string | undefined {
  try {
    return atob(value.replace(/\s+/g, ''));
  } catch {
    return undefined;
  }
}
