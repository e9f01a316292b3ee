// @ts-check
// The shop's data: a fixed catalogue and the orders placed against it, in memory. Each replica has
// its own copy, which is fine for a demo app and makes replicas visibly independent.
import { randomUUID } from 'node:crypto';

/** @typedef {{ id: string, name: string, priceCents: number, stock: number }} Product */
/** @typedef {{ id: string, productId: string, quantity: number, totalCents: number, createdAt: string }} Order */
/**
 * @typedef {{ ok: true, order: Order }
 *   | { ok: false, reason: 'unknown-product' }
 *   | { ok: false, reason: 'out-of-stock', available: number }} OrderResult
 */

/** @returns {Product[]} a fresh copy, so every Store starts from the same stock */
export function defaultCatalogue() {
  return [
    { id: 'p1', name: 'Canvas tote bag', priceCents: 1500, stock: 120 },
    { id: 'p2', name: 'Enamel mug', priceCents: 1200, stock: 80 },
    { id: 'p3', name: 'Sticker pack', priceCents: 500, stock: 500 },
    { id: 'p4', name: 'Hoodie', priceCents: 4500, stock: 25 },
    // Low and zero stock make the 409 path easy to reach by hand and in tests.
    { id: 'p5', name: 'Limited print', priceCents: 9900, stock: 2 },
    { id: 'p6', name: 'Sold-out cap', priceCents: 2000, stock: 0 },
  ];
}

export class Store {
  /** @type {Map<string, Product>} */
  #products;
  /** @type {Map<string, Order>} */
  #orders = new Map();

  /** @param {Product[]} [products] */
  constructor(products = defaultCatalogue()) {
    this.#products = new Map(products.map((p) => [p.id, { ...p }]));
  }

  /** @returns {Product[]} copies, so callers cannot change stock behind the store's back */
  listProducts() {
    return [...this.#products.values()].map((p) => ({ ...p }));
  }

  /** @param {string} id @returns {Product | undefined} */
  getProduct(id) {
    const product = this.#products.get(id);
    return product && { ...product };
  }

  /** @param {string} id @returns {Order | undefined} */
  getOrder(id) {
    return this.#orders.get(id);
  }

  /**
   * Checks stock and records the order in one synchronous step, so concurrent requests can never
   * oversell (Node runs this without interleaving).
   * @param {string} productId
   * @param {number} quantity a positive integer (validated by the caller)
   * @returns {OrderResult}
   */
  placeOrder(productId, quantity) {
    const product = this.#products.get(productId);
    if (!product) return { ok: false, reason: 'unknown-product' };
    if (product.stock < quantity) return { ok: false, reason: 'out-of-stock', available: product.stock };
    product.stock -= quantity;
    // UUIDs rather than a counter: replicas each keep their own orders, and ids must not collide.
    const order = {
      id: randomUUID(),
      productId,
      quantity,
      totalCents: product.priceCents * quantity,
      createdAt: new Date().toISOString(),
    };
    this.#orders.set(order.id, order);
    return { ok: true, order };
  }
}
