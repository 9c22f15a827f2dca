// The OpenPGP pieces snapd uses for assertions (RFC 4880, as golang.org/x/crypto/openpgp writes them):
// a v4 RSA public-key packet and a v4 signature packet (SHA-512, class 0x00), each wrapped in snapd's
// "v1" encoding: the byte 0x01 + the packet, base64, 76-character lines.
import { createHash, createPublicKey, sign as rsaSign, verify as rsaVerify, type KeyObject } from 'node:crypto';
import { ModelAssertionError } from './errors.js';

const V1 = 0x01;
const TAG_SIGNATURE = 2;
const TAG_PUBLIC_KEY = 6;
const ALGO_RSA = 1;
const HASH_SHA512 = 10;
/** snapd re-serialises public keys with this creation time before hashing them (2016-01-01T00:00:00Z). */
export const FIXED_KEY_TIME = 1451606400;

export function packetHeader(tag: number, length: number): Buffer {
  if (length < 192) return Buffer.from([0xc0 | tag, length]);
  if (length < 8384) return Buffer.from([0xc0 | tag, 192 + ((length - 192) >> 8), (length - 192) & 0xff]);
  const b = Buffer.alloc(6);
  b[0] = 0xc0 | tag;
  b[1] = 255;
  b.writeUInt32BE(length, 2);
  return b;
}

export function mpi(bytes: Buffer): Buffer {
  let i = 0;
  while (i < bytes.length - 1 && bytes[i] === 0) i++;
  const v = bytes.subarray(i);
  const bits = (v.length - 1) * 8 + (32 - Math.clz32(v[0]!));
  const head = Buffer.alloc(2);
  head.writeUInt16BE(bits);
  return Buffer.concat([head, v]);
}

export function u32(n: number): Buffer {
  const b = Buffer.alloc(4);
  b.writeUInt32BE(n >>> 0);
  return b;
}

/** base64 of 0x01 + packet, wrapped at 76 columns (snapd encodeV1). */
export function encodeV1(packet: Buffer): string {
  const flat = Buffer.concat([Buffer.from([V1]), packet]).toString('base64');
  return flat.match(/.{1,76}/g)!.join('\n');
}

function decodeV1(text: string, kind: string): Buffer {
  // Like Go's base64.StdEncoding: line breaks are skipped, any other character outside the alphabet is an error.
  const flat = text.replace(/[\r\n]/g, '');
  if (!/^[A-Za-z0-9+/]*={0,2}$/.test(flat) || flat.length % 4 !== 0)
    throw new ModelAssertionError(
      kind === 'signature' ? 'SIGNATURE_INVALID' : 'KEY_INVALID',
      `cannot decode ${kind}: illegal base64 data`,
    );
  const raw = Buffer.from(flat, 'base64');
  if (raw.length === 0)
    throw new ModelAssertionError(
      kind === 'signature' ? 'SIGNATURE_INVALID' : 'KEY_INVALID',
      `cannot decode ${kind}: no data`,
    );
  if (raw[0] !== V1)
    throw new ModelAssertionError(
      kind === 'signature' ? 'SIGNATURE_INVALID' : 'KEY_INVALID',
      `unsupported ${kind} format version: ${raw[0]}`,
    );
  return raw.subarray(1);
}

/** Reads one packet: [tag, body]. New- and old-format headers are accepted. */
function readPacket(buf: Buffer, kind: string): [number, Buffer] {
  const bad = (why: string): never => {
    throw new ModelAssertionError(
      kind === 'signature' ? 'SIGNATURE_INVALID' : 'KEY_INVALID',
      `cannot decode ${kind}: ${why}`,
    );
  };
  if (buf.length < 2 || (buf[0]! & 0x80) === 0) bad('not an OpenPGP packet');
  let tag: number;
  let length: number;
  let offset: number;
  if (buf[0]! & 0x40) {
    tag = buf[0]! & 0x3f;
    const l0 = buf[1]!;
    if (l0 < 192) [length, offset] = [l0, 2];
    else if (l0 < 224) [length, offset] = [((l0 - 192) << 8) + buf[2]! + 192, 3];
    else if (l0 === 255) [length, offset] = [buf.readUInt32BE(2), 6];
    else return bad('partial body lengths are not supported');
  } else {
    tag = (buf[0]! >> 2) & 0x0f;
    const lt = buf[0]! & 0x03;
    if (lt === 0) [length, offset] = [buf[1]!, 2];
    else if (lt === 1) [length, offset] = [buf.readUInt16BE(1), 3];
    else if (lt === 2) [length, offset] = [buf.readUInt32BE(1), 5];
    else return bad('indeterminate packet length');
  }
  if (offset + length > buf.length) bad('packet is truncated');
  return [tag, buf.subarray(offset, offset + length)];
}

export interface RsaPublic {
  readonly n: Buffer;
  readonly e: Buffer;
}

export function rsaPublic(key: KeyObject): RsaPublic {
  const jwk = key.export({ format: 'jwk' });
  if (jwk.kty !== 'RSA' || !jwk.n || !jwk.e)
    throw new ModelAssertionError('KEY_INVALID', 'cannot use key: only RSA keys are supported');
  return { n: Buffer.from(jwk.n, 'base64url'), e: Buffer.from(jwk.e, 'base64url') };
}

export function publicKeyBody(pub: RsaPublic, created = FIXED_KEY_TIME): Buffer {
  return Buffer.concat([Buffer.from([4]), u32(created), Buffer.from([ALGO_RSA]), mpi(pub.n), mpi(pub.e)]);
}

/** The public key as the new-format v4 packet snapd hashes and publishes (creation time fixed). */
export function publicKeyPacket(pub: RsaPublic): Buffer {
  const body = publicKeyBody(pub);
  return Buffer.concat([packetHeader(TAG_PUBLIC_KEY, body.length), body]);
}

/** sign-key-sha3-384: base64url (no padding) of SHA3-384 over 0x01 + the public-key packet. */
export function keyId(pub: RsaPublic): string {
  return createHash('sha3-384')
    .update(Buffer.from([V1]))
    .update(publicKeyPacket(pub))
    .digest('base64url');
}

/** The body of an account-key (or account-key-request) assertion. */
export function encodePublicKey(pub: RsaPublic): string {
  return encodeV1(publicKeyPacket(pub));
}

/** Parses snapd's public-key encoding back into a usable key. */
export function decodePublicKey(text: string): { key: KeyObject; pub: RsaPublic } {
  const [tag, body] = readPacket(decodeV1(text, 'public key'), 'public key');
  if (tag !== TAG_PUBLIC_KEY || body[0] !== 4 || body[5] !== ALGO_RSA)
    throw new ModelAssertionError('KEY_INVALID', 'cannot decode public key: expected a v4 RSA public-key packet');
  let o = 6;
  const readMpi = () => {
    const bits = body.readUInt16BE(o);
    const len = Math.ceil(bits / 8);
    const v = body.subarray(o + 2, o + 2 + len);
    o += 2 + len;
    return Buffer.from(v);
  };
  const pub = { n: readMpi(), e: readMpi() };
  const key = createPublicKey({
    key: { kty: 'RSA', n: pub.n.toString('base64url'), e: pub.e.toString('base64url') },
    format: 'jwk',
  });
  return { key, pub };
}

/**
 * A v4 signature packet over `content` with only a hashed creation-time subpacket, as snapd's own signer
 * writes it: no unhashed subpackets, so every byte of the packet is covered by the signature or its checks.
 */
export function signatureV1(content: string | Buffer, privateKey: KeyObject, created: Date): string {
  const hashedSub = Buffer.concat([Buffer.from([5, 2]), u32(Math.floor(created.getTime() / 1000))]);
  const head = Buffer.concat([
    Buffer.from([4, 0x00, ALGO_RSA, HASH_SHA512, hashedSub.length >> 8, hashedSub.length & 0xff]),
    hashedSub,
  ]);
  const trailer = Buffer.concat([Buffer.from([4, 0xff]), u32(head.length)]);
  const data = Buffer.concat([Buffer.from(content), head, trailer]);
  const tag = createHash('sha512').update(data).digest().subarray(0, 2);
  const sig = rsaSign('sha512', data, privateKey);
  const body = Buffer.concat([head, Buffer.from([0, 0]), tag, mpi(sig)]);
  return encodeV1(Buffer.concat([packetHeader(TAG_SIGNATURE, body.length), body]));
}

/** Checks a v1-encoded signature packet over `content` with `key` (hash algorithm, hash tag and RSA signature). */
export function verifySignatureV1(content: string | Buffer, signature: string, key: KeyObject): void {
  const fail = (why: string): never => {
    throw new ModelAssertionError('SIGNATURE_INVALID', `cannot verify signature: ${why}`);
  };
  const [tag, body] = readPacket(decodeV1(signature, 'signature'), 'signature');
  if (tag !== TAG_SIGNATURE) fail('not a signature packet');
  if (body.length < 6 || body[0] !== 4) fail('only v4 signatures are supported');
  if (body[1] !== 0x00) fail(`unexpected signature type 0x${body[1]!.toString(16)}`);
  if (body[2] !== ALGO_RSA) fail('only RSA signatures are supported');
  if (body[3] !== HASH_SHA512) fail('only SHA-512 signatures are supported');
  const hashedLen = body.readUInt16BE(4);
  const headEnd = 6 + hashedLen;
  if (headEnd + 2 > body.length) fail('truncated signature packet');
  const unhashedLen = body.readUInt16BE(headEnd);
  const tagAt = headEnd + 2 + unhashedLen;
  if (tagAt + 4 > body.length) fail('truncated signature packet');
  const head = body.subarray(0, headEnd);
  const data = Buffer.concat([Buffer.from(content), head, Buffer.from([4, 0xff]), u32(head.length)]);
  const digest = createHash('sha512').update(data).digest();
  if (!digest.subarray(0, 2).equals(body.subarray(tagAt, tagAt + 2))) fail("hash tag doesn't match");
  const bits = body.readUInt16BE(tagAt + 2);
  const sig = body.subarray(tagAt + 4, tagAt + 4 + Math.ceil(bits / 8));
  const modulusBytes = rsaPublic(key).n.length;
  const padded = Buffer.concat([Buffer.alloc(Math.max(0, modulusBytes - sig.length)), sig]);
  if (!rsaVerify('sha512', data, key, padded)) fail('RSA signature does not match');
}
