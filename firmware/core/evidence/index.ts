// The evidence format: entries, records, seals, the chain and its verifier.
export * from "./bytes";
export * from "./format";
export * from "./schema";
export * from "./payload";
export * from "./header";
export * from "./link";
export * from "./signer";
export * from "./entry-writer";
export * from "./entry-reader";
export * from "./naming";
export * from "./chain";
export * from "./compliance";
export * from "./media-tally";
export * from "./verify";
export { sha256, Sha256 } from "./hash";
export { utf8Encode, utf8Decode } from "./utf8";
export * from "./parts";
export * from "./encrypted-entry";
