/**
 * Secrets in a cloud secret store: one per remote key an ExternalSecret reads
 * (`<app>/<service>/<NAME>`), secret-month each. The SecretStore's provider is not in the
 * spec, so the line says it assumes AWS Secrets Manager. e.g. 3 keys × $0.40 = $1.20.
 */
import { type CostLine, monthlyLine } from './line.ts';
import type { PriceTable } from './prices.ts';

export function secretsCost(
  keys: readonly string[],
  store: string | undefined,
  table: PriceTable,
): CostLine[] {
  if (keys.length === 0) return [];
  return [
    monthlyLine(table.row('aws', 'secrets_manager', 'secret'), keys.length, {
      id: 'secrets',
      section: 'secrets',
      item: 'Secrets Manager secrets',
      unit: 'secret',
      note: `the ExternalSecrets' remote keys (${keys.join(', ')}); assumes SecretStore ${store ?? '?'} is AWS Secrets Manager; API calls not counted`,
    }),
  ];
}
