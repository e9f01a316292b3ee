/** `gantry promote SERVICE`: past the current pause or step (--full: straight to 100 %). */
import { requestCommand } from '../../release/request-command.ts';

export const promoteCommand = requestCommand<{ full?: boolean }>({
  name: 'promote',
  description: 'go past the current pause or step (--full: straight to 100 %)',
  options: (command) => command.option('--full', 'skip every remaining step'),
  body: (options) => ({ full: options.full === true }),
  async cluster(service, options) {
    const { requestOnCluster } = await import('../../release/cluster-request.ts');
    return requestOnCluster(service, options.full ? 'promote-full' : 'promote', options, 'promote');
  },
});
