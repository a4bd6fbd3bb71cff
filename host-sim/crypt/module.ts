// The host's `crypt` module: what firmware/ imports from "crypt" (Digest, BlockCipher, Mode).
export { Digest } from './digest';
export { BlockCipher, Mode } from './cipher';
