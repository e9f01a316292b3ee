/**
 * Rules that compare objects across the whole set linted in one run (PDBs, HPAs, Services,
 * Ingresses, NetworkPolicies, selectors). Registered in index.ts.
 *
 * What "the whole set" means (for `gantry lint --help`):
 *   Cross-object rules look at every object given in one run — all files, directories and stdin
 *   together — as if they were applied at once. An HPA, Service, Ingress, NetworkPolicy or PDB
 *   whose target is in a file you did not pass is reported as dangling, so lint everything you
 *   apply together in one command. Objects meet only within one namespace; objects without
 *   `metadata.namespace` share the namespace the set is applied to (and never match an object
 *   with an explicit namespace, `default` included).
 */
import type { Rule } from '../rule.ts';
import { danglingHpa } from './dangling-hpa.ts';
import { danglingIngress } from './dangling-ingress.ts';
import { danglingNetworkPolicy } from './dangling-network-policy.ts';
import { danglingPdb } from './dangling-pdb.ts';
import { danglingService } from './dangling-service.ts';
import { hpaReplicas } from './hpa-replicas.ts';
import { missingPdb } from './missing-pdb.ts';
import { pdbBlocksEviction } from './pdb-blocks-eviction.ts';
import { pdbMinAvailableVsHpa } from './pdb-min-available-vs-hpa.ts';
import { replicasWithHpa } from './replicas-with-hpa.ts';
import { singleReplica } from './single-replica.ts';
import { statefulsetWithoutHeadlessService } from './statefulset-without-headless-service.ts';

export const CROSS_OBJECT_RULES: readonly Rule[] = [
  singleReplica,
  missingPdb,
  pdbBlocksEviction,
  pdbMinAvailableVsHpa,
  hpaReplicas,
  replicasWithHpa,
  danglingHpa,
  danglingService,
  danglingIngress,
  danglingNetworkPolicy,
  danglingPdb,
  statefulsetWithoutHeadlessService,
];
