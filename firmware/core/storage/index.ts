// The evidence store on the device's littlefs volume.
export * from "./evidence-store";
export * from "./checkpoint";
export * from "./ctz";
export * from "./layout";
export type { RecoveryOutcome } from "./recovery";
export * from "./media-volume";
export * from "./card-watch";
