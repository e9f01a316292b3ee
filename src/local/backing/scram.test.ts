import assert from 'node:assert/strict';
import { createHash, createHmac } from 'node:crypto';
import { test } from 'node:test';
import { ScramClient, scramVerifier } from './scram.ts';

// RFC 7677 section 3: user "user", password "pencil".
const SERVER_FIRST = 'r=rOprNGfwEbeRWgbNEkqO%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0,s=W22ZaJ0SNY7soEsUEjb6gQ==,i=4096';

test('the client side of RFC 7677’s example exchange, byte for byte', () => {
  const client = new ScramClient('pencil', 'rOprNGfwEbeRWgbNEkqO', 'user');
  assert.equal(client.first(), 'n,,n=user,r=rOprNGfwEbeRWgbNEkqO');
  assert.equal(
    client.final(SERVER_FIRST),
    'c=biws,r=rOprNGfwEbeRWgbNEkqO%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0,p=dHzbZapWIk4jUhN+Ute9ytag9zjfMHgsqmmiz7AndVQ=',
  );
  assert.equal(client.verify('v=6rriTRBi23WpRR/wtup+mMhUZUn/dB5nLTJRsjl95G4='), true);
  assert.equal(client.verify('v=AAAATRBi23WpRR/wtup+mMhUZUn/dB5nLTJRsjl95G4='), false);
});

test('a server nonce that does not extend the client’s is refused', () => {
  const client = new ScramClient('pencil', 'abc');
  assert.throws(() => client.final('r=xyz,s=W22ZaJ0SNY7soEsUEjb6gQ==,i=4096'), /invalid SCRAM challenge/);
});

test('the stored verifier: PostgreSQL’s format, keys from RFC 7677’s salt and password', () => {
  const salt = Buffer.from('W22ZaJ0SNY7soEsUEjb6gQ==', 'base64');
  const verifier = scramVerifier('pencil', salt, 4096);
  const [, , storedKey, serverKey] = /^SCRAM-SHA-256\$4096:(W22ZaJ0SNY7soEsUEjb6gQ==)\$(.{44}):(.{44})$/.exec(
    verifier,
  )!;
  // With these keys a server signs RFC 7677's exchange exactly as the RFC's server did, and
  // the RFC client's proof checks out against StoredKey.
  const nonce = 'rOprNGfwEbeRWgbNEkqO%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0';
  const authMessage = `n=user,r=rOprNGfwEbeRWgbNEkqO,${SERVER_FIRST},c=biws,r=${nonce}`;
  const hmac = (key: string, text: string) =>
    createHmac('sha256', Buffer.from(key, 'base64')).update(text).digest();
  assert.equal(
    hmac(serverKey!, authMessage).toString('base64'),
    '6rriTRBi23WpRR/wtup+mMhUZUn/dB5nLTJRsjl95G4=',
  );
  const proof = Buffer.from('dHzbZapWIk4jUhN+Ute9ytag9zjfMHgsqmmiz7AndVQ=', 'base64');
  const clientKey = proof.map((byte, i) => byte ^ hmac(storedKey!, authMessage)[i]!);
  assert.equal(createHash('sha256').update(clientKey).digest('base64'), storedKey);
  assert.notEqual(scramVerifier('pencil'), scramVerifier('pencil'), 'a fresh salt each time');
});
