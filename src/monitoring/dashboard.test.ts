/**
 * The generated Grafana dashboard against a JSON Schema of Grafana's dashboard JSON model, written
 * from its documentation ("JSON model" of a dashboard, and the panel reference): the fields a
 * dashboard needs, grid positions inside the 24-column grid, each panel's type one of the
 * documented visualizations, each query a Prometheus query on the dashboard's data-source variable.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Ajv2020 } from 'ajv/dist/2020.js';
import { loadSpec } from '../spec/load.ts';
import { dashboardUid, grafanaDashboard, SCHEMA_VERSION } from './dashboard.ts';
import { monitoringTarget } from './objectives.ts';
import { RECORDED } from './rules.ts';

/** Grafana's built-in visualizations (docs: "Visualizations"), as panel `type` values. */
const DOCUMENTED_PANEL_TYPES = [
  'alertlist',
  'annolist',
  'barchart',
  'bargauge',
  'candlestick',
  'canvas',
  'dashlist',
  'datagrid',
  'flamegraph',
  'gauge',
  'geomap',
  'heatmap',
  'histogram',
  'logs',
  'news',
  'nodeGraph',
  'piechart',
  'stat',
  'state-timeline',
  'status-history',
  'table',
  'text',
  'timeseries',
  'traces',
  'trend',
  'xychart',
  'row',
];

const SCHEMA = {
  $schema: 'https://json-schema.org/draft/2020-12/schema',
  type: 'object',
  required: ['uid', 'title', 'schemaVersion', 'panels', 'templating', 'time'],
  properties: {
    uid: { type: 'string', minLength: 1, maxLength: 40, pattern: '^[a-zA-Z0-9_-]+$' },
    title: { type: 'string', minLength: 1 },
    tags: { type: 'array', items: { type: 'string' } },
    editable: { type: 'boolean' },
    graphTooltip: { enum: [0, 1, 2] },
    timezone: { type: 'string' },
    refresh: { type: 'string' },
    schemaVersion: { type: 'integer', minimum: 36 },
    version: { type: 'integer' },
    time: {
      type: 'object',
      required: ['from', 'to'],
      properties: { from: { type: 'string' }, to: { type: 'string' } },
    },
    templating: {
      type: 'object',
      required: ['list'],
      properties: {
        list: {
          type: 'array',
          items: {
            type: 'object',
            required: ['name', 'type'],
            properties: {
              name: { type: 'string', pattern: '^[A-Za-z_][A-Za-z0-9_]*$' },
              type: { enum: ['query', 'custom', 'constant', 'datasource', 'interval', 'textbox', 'adhoc'] },
            },
          },
        },
      },
    },
    panels: {
      type: 'array',
      minItems: 1,
      items: {
        type: 'object',
        required: ['id', 'type', 'title', 'gridPos'],
        properties: {
          id: { type: 'integer', minimum: 1 },
          type: { enum: DOCUMENTED_PANEL_TYPES },
          title: { type: 'string', minLength: 1 },
          datasource: { $ref: '#/$defs/datasource' },
          gridPos: {
            type: 'object',
            required: ['x', 'y', 'w', 'h'],
            properties: {
              x: { type: 'integer', minimum: 0, maximum: 23 },
              y: { type: 'integer', minimum: 0 },
              w: { type: 'integer', minimum: 1, maximum: 24 },
              h: { type: 'integer', minimum: 1 },
            },
          },
          targets: {
            type: 'array',
            items: {
              type: 'object',
              required: ['refId', 'expr'],
              properties: {
                refId: { type: 'string', pattern: '^[A-Z]$' },
                expr: { type: 'string', minLength: 1 },
                legendFormat: { type: 'string' },
                datasource: { $ref: '#/$defs/datasource' },
              },
            },
          },
          fieldConfig: {
            type: 'object',
            required: ['defaults', 'overrides'],
            properties: { defaults: { type: 'object' }, overrides: { type: 'array' } },
          },
          options: { type: 'object' },
        },
      },
    },
  },
  $defs: {
    datasource: {
      type: 'object',
      required: ['type', 'uid'],
      // biome-ignore lint/suspicious/noTemplateCurlyInString: Grafana's variable syntax
      properties: { type: { const: 'prometheus' }, uid: { const: '${datasource}' } },
    },
  },
};

function services(specServices: string) {
  const loaded = loadSpec(`app: shop\nservices:\n${specServices}`, { file: 'gantry.yaml' });
  assert.ok(loaded.ok, JSON.stringify(loaded.problems));
  return Object.values(loaded.model.services).flatMap((s) => monitoringTarget(s).monitored ?? []);
}

describe('the Grafana dashboard', () => {
  const validate = new Ajv2020({ allErrors: true, strict: true }).compile(SCHEMA);
  const dashboard = grafanaDashboard(
    services(
      '  api: { image: "a:1", port: 8000 }\n  web: { image: "w:1", port: 8080, slo: { availability: 99.9% } }\n',
    ),
    { app: 'shop', namespace: 'shop-prod' },
  );

  it('matches the dashboard JSON model schema, with documented panel types only', () =>
    assert.ok(validate(dashboard), JSON.stringify(validate.errors, null, 2)));

  it('the schema test can fail: an undocumented panel type and a panel off the grid are refused', () => {
    const broken = structuredClone(dashboard) as { panels: Record<string, unknown>[] };
    broken.panels[0]!.type = 'graph-ng';
    broken.panels[1]!.gridPos = { x: 30, y: 0, w: 6, h: 6 };
    assert.equal(validate(broken), false);
    assert.deepEqual(
      validate.errors?.map((e) => e.instancePath),
      ['/panels/0/type', '/panels/1/gridPos/x'],
    );
  });

  it('has the panels the issue names, and panels do not overlap', () => {
    const panels = dashboard.panels as {
      title: string;
      gridPos: { x: number; y: number; w: number; h: number };
    }[];
    assert.deepEqual(
      panels.map((p) => p.title),
      [
        'Error budget left',
        'SLO alerts',
        'Requests per second by version',
        'Error ratio (5xx) by version',
        'p95 latency by version',
        'Replicas and the HPA',
      ],
    );
    const cells = new Set<string>();
    for (const { gridPos: g } of panels)
      for (let x = g.x; x < g.x + g.w; x++)
        for (let y = g.y; y < g.y + g.h; y++) {
          assert.ok(!cells.has(`${x},${y}`), `overlap at ${x},${y}`);
          cells.add(`${x},${y}`);
        }
  });

  it('reads the recorded SLO series the alerts read', () => {
    const text = JSON.stringify(dashboard);
    for (const name of [RECORDED.budgetRemaining, RECORDED.errorRatio('5m'), RECORDED.availabilityObjective])
      assert.ok(text.includes(name), name);
    assert.equal(dashboard.schemaVersion, SCHEMA_VERSION);
  });

  it('uid: at most 40 characters, stable', () => {
    assert.equal(dashboardUid({ app: 'shop', namespace: 'shop-prod' }), 'gantry-shop-prod-shop');
    const long = dashboardUid({ app: 'a-very-long-application-name', namespace: 'and-a-long-namespace' });
    assert.equal(long.length, 40);
    assert.equal(
      long,
      dashboardUid({ app: 'a-very-long-application-name', namespace: 'and-a-long-namespace' }),
    );
  });
});
