// The designated store (rule art. 14): takes offloaded evidence entries only as an exact
// continuation of each device's chain, and signs receipts for what it holds.
export * from './backend';
export * from './errors';
export { planBatch, sha256Hex, type BatchPlan, type CheckedEntry, type HeldChain } from './continuity';
export { DirectoryStore, receiptName, type DirectoryStoreOptions } from './directory-store';
export { ObjectStore, OBJECT_MODE } from './objects';
export { readIndex, type IndexLine } from './device-index';
export { checkDevice, type DeviceCheck } from './check-store';
export { checkReceipt } from './receipt-check';
export { MANIFEST_FILE, KEY_FILE } from './manifest';
