/**
 * A removed apiVersion becomes its replacement, only when that is the whole move
 * (`sameFields`); otherwise fields moved or changed meaning and the object is left for a person.
 */
import { deprecatedApi } from '../deprecated-apis.ts';
import type { KubeObject } from '../input.ts';
import type { Fixer } from './fixer.ts';
import { notEditable, setScalar, toJs } from './tree.ts';

const GUIDE = 'https://kubernetes.io/docs/reference/using-api/deprecation-guide/';

export const deprecatedApiVersionFixer: Fixer = {
  rule: 'deprecated-api-version',
  fix(target) {
    const object = toJs(target) as KubeObject;
    const api = deprecatedApi(object);
    if (!api) return [];
    if (!api.replacement)
      return [
        {
          skip: `${api.apiVersion} ${api.kind} was removed in ${api.removedIn} with no replacement${api.alternative ? `; use ${api.alternative}` : ''}`,
        },
      ];
    if (!api.sameFields(object))
      return [
        {
          skip: `moving to ${api.replacement} changes fields, not only apiVersion; port it by hand (${GUIDE})`,
        },
      ];
    if (!setScalar(target, target.node, 'apiVersion', api.replacement))
      return [{ skip: notEditable('apiVersion') }];
    return [{ change: `set apiVersion: ${api.replacement} (was ${api.apiVersion})` }];
  },
};
