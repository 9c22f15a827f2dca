// An RSA key as an OpenPGP transferable secret key (RFC 4880 11.2): a v4 secret-key packet (unprotected),
// a user ID packet with the key's name, and a positive self-certification (SHA-512), so gpg imports it into the
// keyring `snap keys`/`snapcraft register-key` read (~/.snap/gnupg). The creation time is snapd's fixed
// 2016-01-01, as in snapd's own key style. The result holds private material: callers pass it only to gpg's stdin.
import { createHash, createPublicKey, sign as rsaSign, type KeyObject } from 'node:crypto';
import { FIXED_KEY_TIME, mpi, packetHeader as header, publicKeyBody, rsaPublic, u32 } from './openpgp.js';

const TAG_SECRET_KEY = 5;
const TAG_USER_ID = 13;
const TAG_SIGNATURE = 2;

const toBig = (b: Buffer) => BigInt(`0x${b.toString('hex') || '0'}`);
function fromBig(n: bigint): Buffer {
  let hex = n.toString(16);
  if (hex.length % 2) hex = `0${hex}`;
  return Buffer.from(hex, 'hex');
}

function modInverse(a: bigint, m: bigint): bigint {
  let [r0, r1] = [a % m, m];
  let [s0, s1] = [1n, 0n];
  while (r1 !== 0n) {
    const q = r0 / r1;
    [r0, r1] = [r1, r0 - q * r1];
    [s0, s1] = [s1, s0 - q * s1];
  }
  return ((s0 % m) + m) % m;
}

/** The v4 fingerprint (hex, upper case) of an RSA public key created at `created`. */
export function openpgpFingerprint(publicKeyBody: Buffer): string {
  return createHash('sha1')
    .update(Buffer.from([0x99, publicKeyBody.length >> 8, publicKeyBody.length & 0xff]))
    .update(publicKeyBody)
    .digest('hex')
    .toUpperCase();
}

/** Binary OpenPGP packets of the secret key `privateKey`, user id `userId`. */
export function transferableSecretKey(privateKey: KeyObject, userId: string, created = FIXED_KEY_TIME): Buffer {
  const pub = rsaPublic(createPublicKey(privateKey));
  const jwk = privateKey.export({ format: 'jwk' });
  if (!jwk.d || !jwk.p || !jwk.q) throw new Error('not an RSA private key');
  const [a, b] = [toBig(Buffer.from(jwk.p, 'base64url')), toBig(Buffer.from(jwk.q, 'base64url'))];
  const [p, q] = a < b ? [a, b] : [b, a];
  const u = modInverse(p, q);
  const pubBody = publicKeyBody(pub, created);
  const secretMpis = Buffer.concat([
    mpi(Buffer.from(jwk.d, 'base64url')),
    mpi(fromBig(p)),
    mpi(fromBig(q)),
    mpi(fromBig(u)),
  ]);
  let sum = 0;
  for (const byte of secretMpis) sum = (sum + byte) & 0xffff;
  const secretBody = Buffer.concat([pubBody, Buffer.from([0]), secretMpis, Buffer.from([sum >> 8, sum & 0xff])]);
  const uid = Buffer.from(userId, 'utf8');
  const fpr = Buffer.from(openpgpFingerprint(pubBody), 'hex');
  // Hashed: creation time, key flags (certify + sign), issuer fingerprint; unhashed: issuer key id.
  const hashed = Buffer.concat([
    Buffer.from([5, 2]),
    u32(created),
    Buffer.from([2, 27, 0x03]),
    Buffer.from([22, 33, 4]),
    fpr,
  ]);
  const unhashed = Buffer.concat([Buffer.from([9, 16]), fpr.subarray(12)]);
  const sigHead = Buffer.concat([Buffer.from([4, 0x13, 1, 10, hashed.length >> 8, hashed.length & 0xff]), hashed]);
  const data = Buffer.concat([
    Buffer.from([0x99, pubBody.length >> 8, pubBody.length & 0xff]),
    pubBody,
    Buffer.from([0xb4]),
    u32(uid.length),
    uid,
    sigHead,
    Buffer.from([4, 0xff]),
    u32(sigHead.length),
  ]);
  const digest = createHash('sha512').update(data).digest();
  const sig = rsaSign('sha512', data, privateKey);
  const sigBody = Buffer.concat([
    sigHead,
    Buffer.from([unhashed.length >> 8, unhashed.length & 0xff]),
    unhashed,
    digest.subarray(0, 2),
    mpi(sig),
  ]);
  return Buffer.concat([
    header(TAG_SECRET_KEY, secretBody.length),
    secretBody,
    header(TAG_USER_ID, uid.length),
    uid,
    header(TAG_SIGNATURE, sigBody.length),
    sigBody,
  ]);
}
