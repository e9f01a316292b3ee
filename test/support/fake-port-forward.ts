/**
 * The API server's pod port-forward for the day-2 contract tests (fake API server): answers the
 * WebSocket upgrade of GET /api/v1/namespaces/NS/pods/POD/portforward?ports=P with the
 * `v4.channel.k8s.io` protocol — channel 0 data and channel 1 errors, each opened by a frame
 * carrying the port number — and plays a pod that echoes every byte back on channel 0.
 * A minimal WebSocket (RFC 6455) by hand: binary frames, client frames masked, no fragments.
 */
import { createHash } from 'node:crypto';
import type { IncomingMessage, Server } from 'node:http';
import type { Duplex } from 'node:stream';

const PATH = /^\/api\/v1\/namespaces\/([^/]+)\/pods\/([^/]+)\/portforward$/;
const GUID = '258EAFA5-E914-47DA-95CA-C5AB0DC85B11';

export class FakePortForward {
  /** Every port-forward opened: `namespace/pod:port`. */
  readonly opened: string[] = [];

  attach(server: Server): void {
    server.on('upgrade', (req: IncomingMessage, socket: Duplex) => {
      const url = new URL(req.url ?? '/', 'http://fake');
      const match = PATH.exec(url.pathname);
      const protocols = String(req.headers['sec-websocket-protocol'] ?? '').split(/,\s*/);
      if (!match || !protocols.includes('v4.channel.k8s.io')) return void socket.destroy();
      const port = Number(url.searchParams.get('ports'));
      this.opened.push(`${match[1]}/${match[2]}:${port}`);
      const accept = createHash('sha1').update(`${req.headers['sec-websocket-key']}${GUID}`).digest('base64');
      socket.write(
        'HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n' +
          `Sec-WebSocket-Accept: ${accept}\r\nSec-WebSocket-Protocol: v4.channel.k8s.io\r\n\r\n`,
      );
      const portBytes = Buffer.from([port & 0xff, port >> 8]);
      socket.write(frame(Buffer.concat([Buffer.from([0]), portBytes])));
      socket.write(frame(Buffer.concat([Buffer.from([1]), portBytes])));
      let pending = Buffer.alloc(0);
      socket.on('data', (chunk: Buffer) => {
        pending = Buffer.concat([pending, chunk]);
        for (;;) {
          const read = unframe(pending);
          if (!read) break;
          pending = pending.subarray(read.length);
          if (read.opcode === 0x8) return void socket.end(frame(Buffer.alloc(0), 0x8));
          if (read.payload[0] === 0) socket.write(frame(read.payload)); // the echoing pod, on channel 0
        }
      });
      socket.on('error', () => undefined);
    });
  }
}

function frame(payload: Buffer, opcode = 0x2): Buffer {
  const head =
    payload.length < 126
      ? Buffer.from([0x80 | opcode, payload.length])
      : Buffer.from([0x80 | opcode, 126, payload.length >> 8, payload.length & 0xff]);
  return Buffer.concat([head, payload]);
}

function unframe(data: Buffer): { opcode: number; payload: Buffer; length: number } | undefined {
  if (data.length < 2) return undefined;
  const opcode = data[0]! & 0x0f;
  let size = data[1]! & 0x7f;
  let offset = 2;
  if (size === 126) {
    if (data.length < 4) return undefined;
    size = data.readUInt16BE(2);
    offset = 4;
  } else if (size === 127) {
    if (data.length < 10) return undefined;
    size = Number(data.readBigUInt64BE(2));
    offset = 10;
  }
  const mask = data.subarray(offset, offset + 4);
  offset += 4;
  if (data.length < offset + size) return undefined;
  const payload = Buffer.from(data.subarray(offset, offset + size));
  for (let i = 0; i < payload.length; i++) payload[i]! ^= mask[i % 4]!;
  return { opcode, payload, length: offset + size };
}
