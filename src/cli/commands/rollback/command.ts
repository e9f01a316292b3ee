/** `gantry rollback SERVICE [--to-revision N]`: back to the previous revision (fast: no steps, no analysis). */
import { requestCommand } from '../../release/request-command.ts';

export const rollbackCommand = requestCommand<{ toRevision?: string }>({
  name: 'rollback',
  description: 'go back to the previous revision (fast: no steps, no analysis)',
  options: (command) => command.option('--to-revision <n>', 'a revision number from `gantry history`'),
  body: (options) => (options.toRevision ? { toRevision: Number(options.toRevision) } : {}),
  async cluster(service, options) {
    return (await import('./cluster.ts')).rollbackOnCluster(service, options);
  },
});
