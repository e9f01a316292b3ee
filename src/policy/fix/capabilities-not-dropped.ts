/** capabilities.drop gains ALL; the entries already there stay (ALL covers them, removing is a person's call). */
import { isScalar } from 'yaml';
import { capabilityList } from '../rules/capabilities.ts';
import { eachSecurityContext } from './containers.ts';
import type { Fixer } from './fixer.ts';
import { childMap, childSeq, notEditable, toJs } from './tree.ts';

export const capabilitiesNotDroppedFixer: Fixer = {
  rule: 'capabilities-not-dropped',
  fix: (target, finding) =>
    eachSecurityContext(target, finding, (securityContext, container) => {
      if (capabilityList(toJs(target, container), 'drop').includes('ALL')) return [];
      const capabilities = childMap(target, securityContext, 'capabilities');
      if (!capabilities) return [{ skip: notEditable('securityContext.capabilities') }];
      const drop = childSeq(target, capabilities, 'drop');
      if (!drop) return [{ skip: notEditable('securityContext.capabilities.drop') }];
      const had = drop.items.length > 0;
      const all = target.doc.createNode('ALL');
      // Quoted like the entry before it: drop: ['NET_RAW', 'ALL'].
      const last = drop.items.at(-1);
      if (isScalar(last) && last.type) all.type = last.type;
      drop.items.push(all);
      if (!had) return [{ change: 'set securityContext.capabilities.drop: [ALL]' }];
      return [{ change: 'added ALL to securityContext.capabilities.drop' }];
    }),
};
