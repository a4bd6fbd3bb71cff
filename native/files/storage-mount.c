/*
 * quancheng: mount policy for the evidence volume.
 *
 * Moddable's files module formats any partition lfs_mount rejects. A body camera must not:
 * a torn superblock, a bit error in a metadata pair or a tuning mismatch would turn into a
 * silently emptied evidence volume. Here the only partition ever formatted is one that was
 * never written (all 0xFF, as esptool's erase and a new chip leave it). Anything else that
 * does not mount is left exactly as it is, for forensic reading over USB.
 */
#include "storage-mount.h"

qc_mount_outcome qc_mount(lfs_t *lfs, const struct lfs_config *config,
		qc_partition_is_blank partition_is_blank, void *context)
{
	if (lfs_mount(lfs, config) == 0)
		return QC_MOUNT_MOUNTED;

	/* lfs_mount only reads, so nothing has been written yet. Decide before writing. */
	int blank = partition_is_blank(context);
	if (blank < 0)
		return QC_MOUNT_READ_FAILED;  /* unknown content counts as evidence */
	if (blank == 0)
		return QC_MOUNT_UNREADABLE;

	if (lfs_format(lfs, config) != 0)
		return QC_MOUNT_FORMAT_FAILED;
	if (lfs_mount(lfs, config) != 0)
		return QC_MOUNT_FORMAT_FAILED;
	return QC_MOUNT_FORMATTED;
}

int qc_partition_reads_erased(void *context)
{
	const struct lfs_config *config = context;
	/* 256 bytes: a multiple of any read_size we use, small enough for the caller's stack. */
	uint8_t chunk[256];
	if (config->read_size == 0 || config->read_size > sizeof(chunk))
		return -1;  /* cannot check, so never format */
	lfs_size_t step = sizeof(chunk) - sizeof(chunk) % config->read_size;

	for (lfs_block_t block = 0; block < config->block_count; block++) {
		for (lfs_off_t off = 0; off < config->block_size; off += step) {
			lfs_size_t size = config->block_size - off < step ? config->block_size - off : step;
			if (config->read(config, block, off, chunk, size) != 0)
				return -1;
			for (lfs_size_t i = 0; i < size; i++)
				if (chunk[i] != 0xFF)
					return 0;
		}
	}
	return 1;
}

const char *qc_mount_outcome_message(qc_mount_outcome outcome)
{
	switch (outcome) {
	case QC_MOUNT_MOUNTED:
		return "mounted";
	case QC_MOUNT_FORMATTED:
		return "formatted (blank partition)";
	case QC_MOUNT_UNREADABLE:
		return "storage volume unreadable: not formatted (evidence preserved)";
	case QC_MOUNT_READ_FAILED:
		return "storage volume unreadable: flash read failed, not formatted (evidence preserved)";
	case QC_MOUNT_FORMAT_FAILED:
		return "storage volume: blank partition could not be formatted";
	}
	return "storage volume: unknown mount outcome";
}
