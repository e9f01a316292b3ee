// @ts-check
// A minimal method + path-template router. Matching returns the route *template* (`/api/orders/:id`),
// which is what metrics are labelled with: raw URLs would give unbounded label cardinality.

/**
 * @typedef {object} RequestContext
 * @property {import('node:http').IncomingMessage} req
 * @property {import('node:http').ServerResponse} res
 * @property {URL} url
 * @property {Record<string, string>} params values of the `:name` segments
 */
/** @typedef {(ctx: RequestContext) => unknown} Handler */
/**
 * @typedef {{ route: string, handler: Handler, params: Record<string, string> }
 *   | { route: string, handler: null, allowed: string[] }} Match
 *   handler is null when the path exists but not for this method (a 405).
 */

export class Router {
  /** @type {{ method: string, template: string, segments: string[], handler: Handler }[]} */
  #routes = [];

  /**
   * @param {string} method
   * @param {string} template e.g. `/api/products/:id`
   * @param {Handler} handler
   * @returns {this}
   */
  add(method, template, handler) {
    this.#routes.push({ method, template, segments: template.split('/'), handler });
    return this;
  }

  /**
   * @param {string} method
   * @param {string} pathname
   * @returns {Match | null} null when no route has this path
   */
  match(method, pathname) {
    const parts = pathname.split('/');
    /** @type {string[]} */
    const allowed = [];
    let template = '';
    for (const route of this.#routes) {
      const params = matchSegments(route.segments, parts);
      if (params === null) continue;
      if (route.method === method) return { route: route.template, handler: route.handler, params };
      allowed.push(route.method);
      template = route.template;
    }
    return allowed.length > 0 ? { route: template, handler: null, allowed } : null;
  }
}

/**
 * @param {string[]} segments template segments
 * @param {string[]} parts path segments
 * @returns {Record<string, string> | null}
 */
function matchSegments(segments, parts) {
  if (segments.length !== parts.length) return null;
  /** @type {Record<string, string>} */
  const params = {};
  for (let i = 0; i < segments.length; i++) {
    const segment = /** @type {string} */ (segments[i]);
    const part = /** @type {string} */ (parts[i]);
    if (segment.startsWith(':')) {
      if (part === '') return null;
      try {
        params[segment.slice(1)] = decodeURIComponent(part);
      } catch {
        return null; // malformed percent-encoding cannot name anything we have
      }
    } else if (segment !== part) {
      return null;
    }
  }
  return params;
}
