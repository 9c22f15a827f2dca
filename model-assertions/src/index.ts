// Public surface of @coreforge/model-assertions (STYLE P1): re-exports only.
export { encodeHeaders, decodeHeaders, splitAssertion, type HeaderValue, type Headers } from './codec.js';
export { isModelAssertionError, ModelAssertionError, type ModelAssertionErrorCode } from './errors.js';
export {
  GRADES,
  DEFAULT_GRADE,
  STORAGE_SAFETIES,
  SNAP_TYPES,
  PRESENCES,
  MODES,
  defaultStorageSafety,
  modelHeaders,
  orderModelHeaders,
  parseModel,
  type Grade,
  type ModelAssertion,
  type ModelSnap,
  type ModelSpec,
  type Presence,
  type SnapType,
  type StorageSafety,
} from './model.js';
export {
  ACCOUNT_ID,
  isSnapName,
  MODEL_NAME,
  SNAP_ID,
  SNAP_NAME,
  SNAP_NAME_LENGTH,
  VALIDATION_SET_MODES,
  VALIDATION_SET_NAME,
  type ValidationSetMode,
} from './names.js';
export { decodePublicKey, encodePublicKey, keyId, rsaPublic } from './openpgp.js';
export { openpgpFingerprint, transferableSecretKey } from './openpgp-secret.js';
export {
  accountKeyRequest,
  decodeModel,
  publicKeyOf,
  signAssertion,
  signingKeyFromPem,
  signModel,
  signModelHeaders,
  verifyModel,
  type SigningKey,
} from './sign.js';
