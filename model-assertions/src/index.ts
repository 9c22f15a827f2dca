// Public surface of @coreforge/model-assertions (STYLE P1): re-exports only.
export { encodeHeaders, decodeHeaders, splitAssertion, type HeaderValue, type Headers } from './codec.js';
export { ModelAssertionError, type ModelAssertionErrorCode } from './errors.js';
export { GRADES, STORAGE_SAFETIES, SNAP_TYPES, modelHeaders, orderModelHeaders, parseModel, type Grade, type ModelAssertion, type ModelSnap, type ModelSpec, type StorageSafety } from './model.js';
export { decodePublicKey, encodePublicKey, keyId, rsaPublic } from './openpgp.js';
export { openpgpFingerprint, transferableSecretKey } from './openpgp-secret.js';
export { accountKeyRequest, decodeModel, publicKeyOf, signAssertion, signingKeyFromPem, signModel, signModelHeaders, verifyModel, type SigningKey } from './sign.js';
