/**
 * The GitHub Actions a generated workflow uses, each pinned to the full commit SHA of a release
 * with the release in a comment beside it (`uses: actions/checkout@3d3c42e… # v7.0.1`): a tag can
 * be moved to other code — in March 2026 75 of trivy-action's 76 tags were force-pushed to a
 * credential stealer (GHSA-69fq-xp46-6x23) — a commit cannot.
 *
 * How the SHAs were obtained: GitHub itself cannot be reached from where Gantry is built, so each
 * release's commit was read from public workflows that pin it with the tag beside it, and kept
 * only when several independent repositories agree on the same SHA for the same tag (trivy-action
 * 0.36.0: the release after the incident, on the recreated tags). Dependabot or Renovate in the
 * user's repository keep them current (both update a SHA and its comment together).
 */

export interface PinnedAction {
  /** owner/repo */
  action: string;
  sha: string;
  release: string;
}

export const ACTIONS = {
  checkout: {
    action: 'actions/checkout',
    sha: '3d3c42e5aac5ba805825da76410c181273ba90b1',
    release: 'v7.0.1',
  },
  setupNode: {
    action: 'actions/setup-node',
    sha: '820762786026740c76f36085b0efc47a31fe5020',
    release: 'v7.0.0',
  },
  setupBuildx: {
    action: 'docker/setup-buildx-action',
    sha: 'bb05f3f5519dd87d3ba754cc423b652a5edd6d2c',
    release: 'v4.2.0',
  },
  metadata: {
    action: 'docker/metadata-action',
    sha: 'dc802804100637a589fabce1cb79ff13a1411302',
    release: 'v6.2.0',
  },
  login: {
    action: 'docker/login-action',
    sha: 'dbcb813823bdd20940b903addbd779551569679f',
    release: 'v4.6.0',
  },
  buildPush: {
    action: 'docker/build-push-action',
    sha: '53b7df96c91f9c12dcc8a07bcb9ccacbed38856a',
    release: 'v7.3.0',
  },
  trivy: {
    action: 'aquasecurity/trivy-action',
    sha: 'ed142fd0673e97e23eac54620cfb913e5ce36c25',
    release: 'v0.36.0',
  },
  cosignInstaller: {
    action: 'sigstore/cosign-installer',
    sha: 'faadad0cce49287aee09b3a48701e75088a2c6ad',
    release: 'v4.0.0',
  },
  awsCredentials: {
    action: 'aws-actions/configure-aws-credentials',
    sha: 'ec61189d14ec14c8efccab744f656cffd0e33f37',
    release: 'v6.1.0',
  },
} as const satisfies Record<string, PinnedAction>;

/** The Trivy release trivy-action runs (its own default for 0.36.0), pinned rather than "latest". */
export const TRIVY_VERSION = 'v0.70.0';

/** `owner/repo@sha`: what `uses:` says. */
export function uses(pin: PinnedAction): string {
  return `${pin.action}@${pin.sha}`;
}

/** `uses:` value → the release to write beside it as a comment. */
export const RELEASE_COMMENTS: ReadonlyMap<string, string> = new Map(
  Object.values(ACTIONS).map((pin) => [uses(pin), pin.release]),
);
