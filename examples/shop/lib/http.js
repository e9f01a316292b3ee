// @ts-check
// Small helpers for JSON over node:http, shared by every handler.

/**
 * Sends `body` as JSON with an explicit length (no chunked encoding, so clients and probes see a
 * complete, well-framed response).
 * @param {import('node:http').ServerResponse} res
 * @param {number} status
 * @param {unknown} body
 * @param {import('node:http').OutgoingHttpHeaders} [headers]
 */
export function sendJson(res, status, body, headers = {}) {
  const text = JSON.stringify(body);
  res.writeHead(status, {
    ...headers,
    'content-type': 'application/json; charset=utf-8',
    'content-length': Buffer.byteLength(text),
  });
  res.end(text);
}

/** The request body is larger than the limit readBody was given. */
export class BodyTooLargeError extends Error {}

/**
 * Reads the whole request body as UTF-8, refusing to buffer more than `limitBytes`.
 * @param {import('node:http').IncomingMessage} req
 * @param {number} limitBytes
 * @returns {Promise<string>}
 */
export async function readBody(req, limitBytes) {
  /** @type {Buffer[]} */
  const chunks = [];
  let size = 0;
  for await (const chunk of req) {
    size += chunk.length;
    if (size > limitBytes) throw new BodyTooLargeError(`request body is larger than ${limitBytes} bytes`);
    chunks.push(chunk);
  }
  return Buffer.concat(chunks).toString('utf8');
}
