/*
 * quancheng: littlefs block device over an ESP-IDF data partition (the "storage" partition
 * of partitions.csv), 4 KB erase blocks.
 *
 * Compiled on the unit only (it needs ESP-IDF); the policy above it (storage-mount.c) is
 * tested on a host over a RAM device.
 */
#include "storage-flash.h"

#include "esp_partition.h"

#define QC_FLASH_BLOCK_SIZE 4096  /* the NOR sector: littlefs's block is the erase unit */

static int flash_read(const struct lfs_config *c, lfs_block_t block, lfs_off_t off, void *buffer, lfs_size_t size)
{
	const esp_partition_t *partition = c->context;
	return esp_partition_read(partition, (size_t)block * c->block_size + off, buffer, size) == ESP_OK ? 0 : LFS_ERR_IO;
}

static int flash_prog(const struct lfs_config *c, lfs_block_t block, lfs_off_t off, const void *buffer, lfs_size_t size)
{
	const esp_partition_t *partition = c->context;
	return esp_partition_write(partition, (size_t)block * c->block_size + off, buffer, size) == ESP_OK ? 0 : LFS_ERR_IO;
}

static int flash_erase(const struct lfs_config *c, lfs_block_t block)
{
	const esp_partition_t *partition = c->context;
	return esp_partition_erase_range(partition, (size_t)block * c->block_size, c->block_size) == ESP_OK ? 0 : LFS_ERR_IO;
}

static int flash_sync(const struct lfs_config *c)
{
	(void)c;
	return 0;  /* esp_partition_write returns once the data is on the chip */
}

#ifdef LFS_THREADSAFE
/*
 * The SDK's lfs.h turns LFS_THREADSAFE on, so littlefs calls these around every operation.
 * The firmware runs one XS machine and no workers: only its task touches the volume.
 */
static int flash_lock(const struct lfs_config *c)
{
	(void)c;
	return 0;
}

static int flash_unlock(const struct lfs_config *c)
{
	(void)c;
	return 0;
}
#endif

int qc_flash_configure(struct lfs_config *config, const char *partition_label)
{
	const esp_partition_t *partition = esp_partition_find_first(ESP_PARTITION_TYPE_DATA, ESP_PARTITION_SUBTYPE_ANY, partition_label);
	if (!partition || partition->size < 2 * QC_FLASH_BLOCK_SIZE || partition->size % QC_FLASH_BLOCK_SIZE)
		return -1;

	config->context = (void *)partition;
	config->read = flash_read;
	config->prog = flash_prog;
	config->erase = flash_erase;
	config->sync = flash_sync;
#ifdef LFS_THREADSAFE
	config->lock = flash_lock;
	config->unlock = flash_unlock;
#endif
	config->block_size = QC_FLASH_BLOCK_SIZE;
	config->block_count = partition->size / QC_FLASH_BLOCK_SIZE;
	return 0;
}
