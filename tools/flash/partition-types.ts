// ESP-IDF partition type and subtype numbers (esp_partition.h; its partition-table docs).
// littlefs is 0x83 since ESP-IDF 5.x; older tools only accept it as a number.
export const TYPE = { app: 0x00, data: 0x01 } as const;

const OTA_APPS = Object.fromEntries(Array.from({ length: 16 }, (_, n) => [`ota_${n}`, 0x10 + n]));

export const SUBTYPE: Record<number, Record<string, number>> = {
  [TYPE.app]: { factory: 0x00, test: 0x20, ...OTA_APPS },
  [TYPE.data]: {
    ota: 0x00,
    phy: 0x01,
    nvs: 0x02,
    coredump: 0x03,
    nvs_keys: 0x04,
    efuse: 0x05,
    undefined: 0x06,
    esphttpd: 0x80,
    fat: 0x81,
    spiffs: 0x82,
    littlefs: 0x83,
  },
};

/** Flag bits of an entry's u32 flags word. */
export const FLAG = { encrypted: 1 << 0, readonly: 1 << 1 } as const;

/** Offsets must be aligned so: an app is mapped by the MMU in 64 KB pages, data is erased in 4 KB sectors. */
export const OFFSET_ALIGN: Record<number, number> = { [TYPE.app]: 0x10000, [TYPE.data]: 0x1000 };

export function typeName(type: number): string {
  return Object.entries(TYPE).find(([, v]) => v === type)?.[0] ?? `0x${type.toString(16)}`;
}

export function subtypeName(type: number, subtype: number): string {
  return Object.entries(SUBTYPE[type] ?? {}).find(([, v]) => v === subtype)?.[0] ?? `0x${subtype.toString(16)}`;
}
