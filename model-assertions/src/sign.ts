// Signing and verifying assertions the way snapd does, natively (no gpg).
import { createPrivateKey, createPublicKey, type KeyObject } from 'node:crypto';
import { encodeHeaders, splitAssertion, type HeaderValue } from './codec.js';
import { ModelAssertionError } from './errors.js';
import { parseModel, orderModelHeaders, modelHeaders, type ModelAssertion, type ModelSpec } from './model.js';
import { formatTimestamp } from './headers.js';
import { decodePublicKey, encodePublicKey, keyId, rsaPublic, signatureV1, verifySignatureV1 } from './openpgp.js';

export interface SigningKey {
  readonly privateKey: KeyObject;
  readonly keyId: string;
}

/** A signing key from PKCS#8 PEM text (the key store's format). */
export function signingKeyFromPem(pem: string): SigningKey {
  let privateKey: KeyObject;
  try {
    privateKey = createPrivateKey(pem);
  } catch (cause) {
    throw new ModelAssertionError('KEY_INVALID', 'cannot read the signing key: not a PEM private key', undefined, {
      cause,
    });
  }
  const pub = rsaPublic(createPublicKey(privateKey));
  if (pub.n.length < 512)
    throw new ModelAssertionError(
      'KEY_INVALID',
      `cannot use the signing key: RSA keys must have 4096 bits, this one has ${pub.n.length * 8}`,
    );
  return { privateKey, keyId: keyId(pub) };
}

/** Encodes ordered headers (+ body) and signs them: the generic assertion signer. sign-key-sha3-384 is appended. */
export function signAssertion(
  entries: readonly (readonly [string, HeaderValue])[],
  body: string,
  key: SigningKey,
  now = new Date(),
): string {
  const all: (readonly [string, HeaderValue])[] = [...entries];
  if (body.length > 0) all.push(['body-length', String(Buffer.byteLength(body))]);
  all.push(['sign-key-sha3-384', key.keyId]);
  const head = encodeHeaders(all);
  const content = body.length > 0 ? `${head}\n\n${body}` : head;
  return `${content}\n\n${signatureV1(content, key.privateKey, now)}\n`;
}

/** Signs model headers: checks them with snapd's rules first, then encodes and signs. Returns the assertion text. */
export function signModelHeaders(
  headers: Readonly<Record<string, HeaderValue>>,
  key: SigningKey,
  now = new Date(),
): string {
  parseModel({ ...headers, 'sign-key-sha3-384': key.keyId });
  return signAssertion(orderModelHeaders(headers), '', key, now);
}

export function signModel(spec: ModelSpec, key: SigningKey, now = new Date()): string {
  return signModelHeaders(modelHeaders(spec), key, now);
}

/**
 * Decodes a signed model and checks it: snapd's header rules, that the signature is by `publicKey`
 * (snapd's account-key body encoding) — the key id in the header and the RSA signature.
 */
export function verifyModel(text: string, publicKey: string): ModelAssertion {
  const { headers, content, signature } = splitAssertion(text);
  const model = parseModel(headers);
  const { key, pub } = decodePublicKey(publicKey);
  const id = keyId(pub);
  if (model.signKeySha3384 !== id)
    throw new ModelAssertionError(
      'SIGNATURE_INVALID',
      `cannot verify signature: the model is signed by key "${model.signKeySha3384}", not by the given key "${id}"`,
    );
  verifySignatureV1(content, signature, key);
  return model;
}

/** The account-key-request a brand submits to register its key (as `snap export-key --account` writes it). */
export function accountKeyRequest(accountId: string, name: string, key: SigningKey, since = new Date()): string {
  const pub = encodePublicKey(rsaPublic(createPublicKey(key.privateKey)));
  return signAssertion(
    [
      ['type', 'account-key-request'],
      ['public-key-sha3-384', key.keyId],
      ['account-id', accountId],
      ['name', name],
      ['since', formatTimestamp(since)],
    ],
    pub,
    key,
    since,
  );
}

/** The public half of a signing key, in snapd's account-key body encoding. */
export function publicKeyOf(key: SigningKey): string {
  return encodePublicKey(rsaPublic(createPublicKey(key.privateKey)));
}

/** Decodes a model without checking its signature (for `model show`). */
export function decodeModel(text: string): ModelAssertion {
  return parseModel(splitAssertion(text).headers);
}
