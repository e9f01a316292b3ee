/**
 * Our small set of Dockerfile rules — the mistakes our users' container guidance names most:
 * an unpinned base image, running as root, ADD of a URL, apt-get leftovers in a layer, no
 * HEALTHCHECK. One function per rule; `lintDockerfile` runs them all. Pure.
 */
import { DEFAULT_NODE_IMAGE } from '../images.ts';
import { type Dockerfile, type Instruction, parseDockerfile, type Stage } from './parse-dockerfile.ts';

export interface DockerfileFinding {
  rule: string;
  line: number;
  message: string;
  hint: string;
}

type Rule = (dockerfile: Dockerfile) => DockerfileFinding[];

/**
 * An image reference fixed to one build: a digest, or a tag other than `latest`.
 * (`node:26` is a tag too, but a moving one; we accept it as the line most guides draw.)
 */
export function isPinnedImage(reference: string): boolean {
  if (/@sha256:[a-f0-9]{64}$/.test(reference)) return true;
  const lastPart = reference.slice(reference.lastIndexOf('/') + 1);
  const colon = lastPart.indexOf(':');
  if (colon < 0) return false;
  const tag = lastPart.slice(colon + 1);
  return tag !== '' && tag !== 'latest';
}

/** FROM names a pinned image (stages built earlier in the file, `scratch` and ARG-built names are not judged). */
export const pinnedBaseImage: Rule = ({ stages }) => {
  const earlier = new Set<string>();
  const findings: DockerfileFinding[] = [];
  for (const stage of stages) {
    const base = stage.base;
    const judged = !earlier.has(base.toLowerCase()) && base !== 'scratch' && !base.includes('$');
    if (judged && !isPinnedImage(base))
      findings.push({
        rule: 'pinned-base-image',
        line: stage.from.line,
        message: `FROM ${base}: the base image is not pinned (no tag, or latest)`,
        hint: `name a release tag (${DEFAULT_NODE_IMAGE}) or a digest (@sha256:…)`,
      });
    if (stage.name) earlier.add(stage.name);
  }
  return findings;
};

/** The final stage sets USER, to someone other than root. */
export const nonRootUser: Rule = ({ stages }) => {
  const last = stages.at(-1);
  if (!last) return [];
  const user = last.instructions.filter((i) => i.keyword === 'USER').at(-1);
  if (!user)
    return [
      {
        rule: 'non-root-user',
        line: last.from.line,
        message: 'the final stage sets no USER: the container runs as root',
        hint: 'add `USER 10001:10001` (numeric, so Kubernetes can check runAsNonRoot) after the last RUN',
      },
    ];
  const name = user.args.split(':')[0]!.trim();
  if (name === 'root' || name === '0')
    return [
      {
        rule: 'non-root-user',
        line: user.line,
        message: `USER ${user.args}: the container runs as root`,
        hint: 'switch to an unprivileged user at the end: `USER 10001:10001`',
      },
    ];
  return [];
};

/** ADD does not fetch URLs: the download is unverified and its layer never cached by content. */
export const noAddUrl: Rule = ({ instructions }) =>
  instructions
    .filter((i) => i.keyword === 'ADD' && /(^|\s|")https?:\/\//i.test(i.args))
    .map((i) => ({
      rule: 'no-add-url',
      line: i.line,
      message: 'ADD fetches a URL: unverified, and it leaves the download in the layer',
      hint: 'download in a RUN with curl, check its checksum, and remove what is not needed in the same RUN',
    }));

const aptInstalls = (instructions: Instruction[]) =>
  instructions.filter((i) => i.keyword === 'RUN' && /\bapt(-get)?\s+(-\S+\s+)*install\b/.test(i.args));

/** apt-get install cleans its package lists in the same RUN, or the layer keeps them for ever. */
export const aptListsCleaned: Rule = ({ instructions }) =>
  aptInstalls(instructions)
    .filter((i) => !/rm\s+-(rf|fr)\s+\/var\/lib\/apt\/lists\/\*?/.test(i.args))
    .map((i) => ({
      rule: 'apt-lists-cleaned',
      line: i.line,
      message: 'apt-get install without `rm -rf /var/lib/apt/lists/*` in the same RUN',
      hint: 'end the same RUN with `&& rm -rf /var/lib/apt/lists/*`',
    }));

/** apt-get install --no-install-recommends: only what was asked for, a smaller attack surface. */
export const aptNoRecommends: Rule = ({ instructions }) =>
  aptInstalls(instructions)
    .filter((i) => !/--no-install-recommends\b/.test(i.args))
    .map((i) => ({
      rule: 'apt-no-recommends',
      line: i.line,
      message: 'apt-get install without --no-install-recommends pulls in packages nobody asked for',
      hint: 'apt-get install -y --no-install-recommends PACKAGE…',
    }));

/** The final stage has a HEALTHCHECK (`HEALTHCHECK NONE` counts: a decision, written down). */
export const healthcheckPresent: Rule = ({ stages }) => {
  const last: Stage | undefined = stages.at(-1);
  if (!last || last.instructions.some((i) => i.keyword === 'HEALTHCHECK')) return [];
  return [
    {
      rule: 'healthcheck',
      line: last.from.line,
      message: 'the final stage has no HEALTHCHECK: Docker cannot tell a hung container from a healthy one',
      hint: 'add `HEALTHCHECK CMD …` that probes the service (or `HEALTHCHECK NONE` to say there is none)',
    },
  ];
};

export const RULES: Record<string, Rule> = {
  'pinned-base-image': pinnedBaseImage,
  'non-root-user': nonRootUser,
  'no-add-url': noAddUrl,
  'apt-lists-cleaned': aptListsCleaned,
  'apt-no-recommends': aptNoRecommends,
  healthcheck: healthcheckPresent,
};

/** Every finding of every rule, by line. */
export function lintDockerfile(text: string): DockerfileFinding[] {
  const dockerfile = parseDockerfile(text);
  return Object.values(RULES)
    .flatMap((rule) => rule(dockerfile))
    .sort((a, b) => a.line - b.line || a.rule.localeCompare(b.rule));
}
