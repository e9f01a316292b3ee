/**
 * Names of apps, services, environments: a DNS label, so never a path either. Kept apart from
 * schema.ts (and zod) because the CLI and the state directory check names before loading a spec.
 */
export const DNS_LABEL = /^[a-z]([-a-z0-9]{0,61}[a-z0-9])?$/;
