// What a store with Object Lock adds for a case (arts. 14-15): a legal hold while the case
// is under review, and a retention as long as the case file's. A store without it (the
// directory store on one laptop) cannot promise either, and says so.
export interface CaseLock {
  /** Legal hold on or off for a device's held entries from..through; how many objects were set. */
  legalHold(deviceId: string, on: boolean, from?: number, through?: number): Promise<number>;
  /** Locks a device's held entries from..through at least until `until` (ms); how many were extended. */
  retainUntil(deviceId: string, until: number, from?: number, through?: number): Promise<number>;
}

export function caseLockOf(backend: object): CaseLock | undefined {
  const b = backend as Partial<CaseLock>;
  return typeof b.legalHold === 'function' && typeof b.retainUntil === 'function' ? (b as CaseLock) : undefined;
}
