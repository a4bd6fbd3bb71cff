/*
 * quancheng: the block device under the evidence volume.
 *
 * Fills the block-device half of a struct lfs_config (callbacks, context, block geometry);
 * files-host.c adds the tuning. One implementation per platform: storage-flash-esp32.c on
 * the unit (an ESP-IDF data partition).
 */
#ifndef QC_STORAGE_FLASH_H
#define QC_STORAGE_FLASH_H

#include "lfs.h"

/* Returns 0, or -1 when no usable partition has that label. */
int qc_flash_configure(struct lfs_config *config, const char *partition_label);

#endif
