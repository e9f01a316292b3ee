/**
 * allowPrivilegeEscalation: false on the container. Left alone: an explicit `true` (someone
 * decided; setuid tools need it) and containers the API server would then reject — privileged, or
 * adding CAP_SYS_ADMIN, cannot have allowPrivilegeEscalation false.
 */
import { capabilityList } from '../rules/capabilities.ts';
import { eachSecurityContext } from './containers.ts';
import type { Fixer } from './fixer.ts';
import { notEditable, setScalar, toJs, valueAt } from './tree.ts';

export const privilegeEscalationFixer: Fixer = {
  rule: 'privilege-escalation-allowed',
  fix: (target, finding) =>
    eachSecurityContext(target, finding, (securityContext, container) => {
      const current = valueAt(securityContext, 'allowPrivilegeEscalation');
      if (current === false) return [];
      if (current === true)
        return [
          {
            skip: 'allowPrivilegeEscalation: true is set explicitly; set it to false by hand if nothing needs setuid',
          },
        ];
      if (valueAt(securityContext, 'privileged') === true)
        return [
          {
            skip: 'the container is privileged, which needs allowPrivilegeEscalation; drop privileged first',
          },
        ];
      if (capabilityList(toJs(target, container), 'add').includes('SYS_ADMIN'))
        return [
          { skip: 'the container adds SYS_ADMIN, which needs allowPrivilegeEscalation; drop it first' },
        ];
      if (!setScalar(target, securityContext, 'allowPrivilegeEscalation', false))
        return [{ skip: notEditable('securityContext.allowPrivilegeEscalation') }];
      return [{ change: 'set securityContext.allowPrivilegeEscalation: false' }];
    }),
};
