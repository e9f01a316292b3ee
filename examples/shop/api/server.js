// @ts-check
// The `api` service: the shop's HTTP API. Run: `node examples/shop/api/server.js` (see README.md).
import { withFaults } from '../lib/faults.js';
import { BodyTooLargeError, readBody, sendJson } from '../lib/http.js';
import { runService } from '../lib/service.js';
import { Store } from './store.js';
import { burnCpu } from './work.js';

const MAX_BODY_BYTES = 16 * 1024;
const MAX_QUANTITY = 100;
const MAX_WORK_MS = 5000;

runService({
  name: 'api',
  defaultPort: 8000,
  readConfig: () => undefined,
  setup({ config, router }) {
    const store = new Store();
    /** @param {import('../lib/router.js').Handler} handler */
    const faulty = (handler) => withFaults(config.faults, handler);

    router.add(
      'GET',
      '/api/products',
      faulty(({ res }) => sendJson(res, 200, store.listProducts())),
    );

    router.add(
      'GET',
      '/api/products/:id',
      faulty(({ res, params }) => {
        const product = store.getProduct(params.id ?? '');
        if (product) sendJson(res, 200, product);
        else sendJson(res, 404, { error: `product '${params.id}' not found` });
      }),
    );

    router.add(
      'POST',
      '/api/orders',
      faulty(async ({ req, res }) => {
        /** @type {unknown} */
        let body;
        try {
          body = JSON.parse(await readBody(req, MAX_BODY_BYTES));
        } catch (error) {
          if (error instanceof BodyTooLargeError) sendJson(res, 413, { error: error.message });
          else sendJson(res, 400, { error: 'request body must be valid JSON' });
          return;
        }
        const problem = validateOrder(body);
        if (problem) return sendJson(res, 400, { error: problem });
        const { productId, quantity } = /** @type {{ productId: string, quantity: number }} */ (body);
        const result = store.placeOrder(productId, quantity);
        if (result.ok)
          return sendJson(res, 201, result.order, { location: `/api/orders/${result.order.id}` });
        if (result.reason === 'unknown-product') {
          return sendJson(res, 400, { error: `unknown productId '${productId}'` });
        }
        sendJson(res, 409, {
          error: 'out of stock',
          productId,
          requested: quantity,
          available: result.available,
        });
      }),
    );

    router.add(
      'GET',
      '/api/orders/:id',
      faulty(({ res, params }) => {
        const order = store.getOrder(params.id ?? '');
        if (order) sendJson(res, 200, order);
        else sendJson(res, 404, { error: `order '${params.id}' not found` });
      }),
    );

    // CPU load on demand, for autoscaling tests.
    router.add(
      'GET',
      '/api/work',
      faulty(async ({ res, url }) => {
        const raw = url.searchParams.get('ms') ?? '';
        const requested = Number(raw);
        if (raw.trim() === '' || !Number.isFinite(requested)) {
          return sendJson(res, 400, { error: `query parameter ms must be a number, got '${raw}'` });
        }
        const ms = Math.round(Math.min(MAX_WORK_MS, Math.max(0, requested)));
        await burnCpu(ms);
        sendJson(res, 200, { ms, version: config.version });
      }),
    );

    return {};
  },
});

/**
 * @param {unknown} body
 * @returns {string | null} what is wrong with the order, or null when it is valid
 */
function validateOrder(body) {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    return 'request body must be a JSON object like {"productId": "p1", "quantity": 1}';
  }
  const { productId, quantity } = /** @type {Record<string, unknown>} */ (body);
  if (typeof productId !== 'string' || productId === '') return 'productId must be a non-empty string';
  if (
    typeof quantity !== 'number' ||
    !Number.isInteger(quantity) ||
    quantity < 1 ||
    quantity > MAX_QUANTITY
  ) {
    return `quantity must be a whole number from 1 to ${MAX_QUANTITY}`;
  }
  return null;
}
