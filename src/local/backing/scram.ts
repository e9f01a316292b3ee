/**
 * SCRAM-SHA-256 (RFC 5802, RFC 7677) as PostgreSQL speaks it: the client's side of the
 * exchange, and the verifier PostgreSQL stores for a password, so the password itself never
 * reaches the server (not even in an ALTER ROLE statement).
 *
 *   SaltedPassword  = PBKDF2-HMAC-SHA-256(password, salt, iterations)
 *   ClientKey       = HMAC(SaltedPassword, "Client Key");  StoredKey = SHA-256(ClientKey)
 *   ServerKey       = HMAC(SaltedPassword, "Server Key")
 *   AuthMessage     = client-first-bare "," server-first "," client-final-without-proof
 *   ClientProof     = ClientKey XOR HMAC(StoredKey, AuthMessage)
 *   ServerSignature = HMAC(ServerKey, AuthMessage)
 *
 * Passwords here are generated base64url text, for which SASLprep changes nothing.
 */
import { createHash, createHmac, pbkdf2Sync, randomBytes, timingSafeEqual } from 'node:crypto';

export const SCRAM_MECHANISM = 'SCRAM-SHA-256';
/** PostgreSQL's default (scram_iterations). */
const ITERATIONS = 4096;

const hmac = (key: Buffer, text: string) => createHmac('sha256', key).update(text).digest();
const sha256 = (data: Buffer) => createHash('sha256').update(data).digest();

function keys(password: string, salt: Buffer, iterations: number) {
  const salted = pbkdf2Sync(password, salt, iterations, 32, 'sha256');
  const clientKey = hmac(salted, 'Client Key');
  return { clientKey, storedKey: sha256(clientKey), serverKey: hmac(salted, 'Server Key') };
}

/** `SCRAM-SHA-256$<iterations>:<salt>$<StoredKey>:<ServerKey>`, as pg_authid.rolpassword holds it. */
export function scramVerifier(password: string, salt = randomBytes(16), iterations = ITERATIONS): string {
  const { storedKey, serverKey } = keys(password, salt, iterations);
  const b64 = (data: Buffer) => data.toString('base64');
  return `${SCRAM_MECHANISM}$${iterations}:${b64(salt)}$${b64(storedKey)}:${b64(serverKey)}`;
}

/** One client exchange: first() → the server's first message → final(…) → the server's final message → verify(…). */
export class ScramClient {
  private readonly firstBare: string;
  private expectedSignature: Buffer | undefined;

  constructor(
    private readonly password: string,
    private readonly nonce = randomBytes(18).toString('base64'),
    /** PostgreSQL takes the user from the startup message and ignores this one (libpq sends none). */
    user = '',
  ) {
    this.firstBare = `n=${user},r=${nonce}`;
  }

  /** client-first-message: no channel binding. */
  first(): string {
    return `n,,${this.firstBare}`;
  }

  /** client-final-message for the server-first-message; throws when the server's nonce or salt is not sound. */
  final(serverFirst: string): string {
    const fields = attributes(serverFirst);
    const serverNonce = fields.get('r') ?? '';
    const salt = Buffer.from(fields.get('s') ?? '', 'base64');
    const iterations = Number(fields.get('i'));
    if (!serverNonce.startsWith(this.nonce) || salt.length === 0 || !Number.isInteger(iterations))
      throw new Error('postgres sent an invalid SCRAM challenge');
    const { clientKey, storedKey, serverKey } = keys(this.password, salt, iterations);
    const withoutProof = `c=biws,r=${serverNonce}`;
    const authMessage = `${this.firstBare},${serverFirst},${withoutProof}`;
    const signature = hmac(storedKey, authMessage);
    const proof = Buffer.from(clientKey.map((byte, i) => byte ^ signature[i]!));
    this.expectedSignature = hmac(serverKey, authMessage);
    return `${withoutProof},p=${proof.toString('base64')}`;
  }

  /** Whether the server-final-message proves the server knows the password too. */
  verify(serverFinal: string): boolean {
    const given = Buffer.from(attributes(serverFinal).get('v') ?? '', 'base64');
    const expected = this.expectedSignature;
    return expected !== undefined && given.length === expected.length && timingSafeEqual(given, expected);
  }
}

/** `r=abc,s=xyz,i=4096` → a map (values may hold '=', never ','). */
function attributes(message: string): Map<string, string> {
  const fields = new Map<string, string>();
  for (const part of message.split(',')) {
    const eq = part.indexOf('=');
    if (eq > 0) fields.set(part.slice(0, eq), part.slice(eq + 1));
  }
  return fields;
}
