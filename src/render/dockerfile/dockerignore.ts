/**
 * The `.dockerignore` written beside the Dockerfiles, in the build context: what must never
 * reach the image or the build cache — the host's node_modules (the image installs its own,
 * for its own platform), git history, Gantry's local state, tests, and secret files.
 */
import { generatedBanner } from '../generated.ts';

const IGNORED: { why: string; patterns: string[] }[] = [
  { why: 'installed in the image by npm ci, for its own platform', patterns: ['**/node_modules'] },
  { why: 'history and local state', patterns: ['.git', '.gantry', '**/.DS_Store'] },
  {
    why: 'secrets: never in an image layer (values come from the environment or a secret store)',
    patterns: ['**/.env', '**/.env.*', '**/*.pem', '**/*.key', '.npmrc'],
  },
  {
    why: 'tests and tooling the running service does not need',
    patterns: [
      'test',
      'tests',
      '**/__tests__',
      '**/*.test.*',
      '**/*.spec.*',
      'coverage',
      '**/npm-debug.log*',
    ],
  },
  { why: 'build recipes (they change without changing the app)', patterns: ['Dockerfile*', '.dockerignore'] },
];

export function dockerignore(regenerate: string): string {
  const sections = IGNORED.map(({ why, patterns }) => `# ${why}\n${patterns.join('\n')}\n`);
  return `${generatedBanner('#', regenerate)}\n${sections.join('\n')}`;
}
