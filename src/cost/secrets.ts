/**
 * Secrets in AWS Secrets Manager, secret-month each: the ones the environment holds as gantry
 * infra builds it (render/terraform/footprint.ts) — the services' own `<app>/<service>/<NAME>`
 * (on ECS, or read by External Secrets on EKS), a managed Redis's URL, an RDS master password.
 * e.g. 3 service secrets + 1 RDS master password = 4 × $0.40 = $1.60.
 */
import type { Footprint } from '../render/terraform/footprint.ts';
import { type CostLine, monthlyLine } from './line.ts';
import type { PriceTable } from './prices.ts';

export function secretsCost(secrets: Footprint['secrets'], table: PriceTable): CostLine[] {
  if (secrets.length === 0) return [];
  return [
    monthlyLine(table.row('aws', 'secrets_manager', 'secret'), secrets.length, {
      id: 'secrets',
      section: 'secrets',
      item: 'Secrets Manager secrets',
      unit: 'secret',
      note: `${secrets.map((s) => `${s.name} (${s.createdBy === 'you' ? 'yours' : `by ${s.createdBy}`})`).join(', ')}; API calls not counted`,
    }),
  ];
}
