/**
 * The rules `gantry lint --fix` can fix, without loading the fixers: the text report names
 * how many findings are fixable on every run. fix-manifest.test.ts checks this list against
 * the fixers themselves.
 */
export const FIXABLE_RULES: ReadonlySet<string> = new Set([
  'privilege-escalation-allowed',
  'runs-as-root',
  'read-only-root-filesystem',
  'capabilities-not-dropped',
  'no-seccomp-profile',
  'service-account-token-mounted',
  'image-pull-policy-not-always',
  'deprecated-api-version',
]);
