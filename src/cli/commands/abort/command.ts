/** `gantry abort SERVICE`: the release in progress stops, all traffic back on the stable version. */
import { requestCommand } from '../../release/request-command.ts';

export const abortCommand = requestCommand({
  name: 'abort',
  description: 'stop the release in progress and send all traffic back to the stable version',
  body: () => ({ full: false }),
  async cluster(service, options) {
    const { requestOnCluster } = await import('../../release/cluster-request.ts');
    return requestOnCluster(service, 'abort', options, 'abort');
  },
});
