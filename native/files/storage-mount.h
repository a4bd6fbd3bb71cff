/*
 * quancheng: mount policy for the evidence volume (littlefs on the "storage" partition).
 *
 * Kept apart from the XS glue so that the policy can be compiled and tested on a host
 * (tests/native/) with nothing but littlefs and a C compiler.
 */
#ifndef QC_STORAGE_MOUNT_H
#define QC_STORAGE_MOUNT_H

#include "lfs.h"

typedef enum {
	QC_MOUNT_MOUNTED = 0,    /* an existing volume mounted as it is */
	QC_MOUNT_FORMATTED,      /* the partition was never written: formatted, then mounted */
	QC_MOUNT_UNREADABLE,     /* mount failed and the partition holds data: left untouched */
	QC_MOUNT_READ_FAILED,    /* mount failed and the partition could not be read: left untouched */
	QC_MOUNT_FORMAT_FAILED,  /* the partition was blank but formatting or the mount after it failed */
} qc_mount_outcome;

/*
 * Returns 1 if every byte of the partition reads 0xFF, 0 if any byte does not,
 * and a negative number if the partition could not be read.
 */
typedef int (*qc_partition_is_blank)(void *context);

/*
 * Mounts `config` into `lfs`. lfs_format is called only when lfs_mount fails AND
 * partition_is_blank(context) returns 1; on every other failure nothing is written.
 * On QC_MOUNT_MOUNTED and QC_MOUNT_FORMATTED `lfs` is mounted; otherwise it is not.
 */
qc_mount_outcome qc_mount(lfs_t *lfs, const struct lfs_config *config,
		qc_partition_is_blank partition_is_blank, void *context);

/*
 * A qc_partition_is_blank that reads the whole partition through config->read (context is
 * the const struct lfs_config *). Used on the device, so the check the tests run is the one
 * the unit runs.
 */
int qc_partition_reads_erased(void *config);

/* A short English reason for the outcome, for the error every Files operation throws. */
const char *qc_mount_outcome_message(qc_mount_outcome outcome);

#endif
