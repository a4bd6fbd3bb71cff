/*
 * Host test of native/files/storage-mount.c: the device's mount policy over littlefs's own C
 * (from the littlefs2-sys crate, see tests/native/build.mjs) and a RAM block device that
 * counts every program and erase. Prints one line per case; exits non-zero on any failure.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lfs.h"
#include "storage-mount.h"

#define BLOCK_SIZE 4096
#define BLOCK_COUNT 64  /* 256 KB: the policy does not depend on size, and the scan is full */

typedef struct {
	uint8_t image[BLOCK_SIZE * BLOCK_COUNT];
	unsigned reads, progs, erases;
	int fail_reads;   /* every read returns LFS_ERR_IO */
	int fail_erases;  /* every erase returns LFS_ERR_IO */
} ram_bd;

static ram_bd bd;

static int bd_read(const struct lfs_config *c, lfs_block_t block, lfs_off_t off, void *buffer, lfs_size_t size)
{
	ram_bd *d = c->context;
	d->reads++;
	if (d->fail_reads)
		return LFS_ERR_IO;
	memcpy(buffer, d->image + block * c->block_size + off, size);
	return 0;
}

static int bd_prog(const struct lfs_config *c, lfs_block_t block, lfs_off_t off, const void *buffer, lfs_size_t size)
{
	ram_bd *d = c->context;
	d->progs++;
	/* NOR: programming only clears bits. */
	uint8_t *p = d->image + block * c->block_size + off;
	const uint8_t *b = buffer;
	for (lfs_size_t i = 0; i < size; i++)
		p[i] &= b[i];
	return 0;
}

static int bd_erase(const struct lfs_config *c, lfs_block_t block)
{
	ram_bd *d = c->context;
	d->erases++;
	if (d->fail_erases)
		return LFS_ERR_IO;
	memset(d->image + block * c->block_size, 0xFF, c->block_size);
	return 0;
}

static int bd_sync(const struct lfs_config *c)
{
	(void)c;
	return 0;
}

/* The project's tuning: manifest.json defines.file.lfs, host-sim STORAGE_LFS_TUNING. */
static struct lfs_config tuned(lfs_size_t name_max)
{
	struct lfs_config c = {
		.context = &bd,
		.read = bd_read,
		.prog = bd_prog,
		.erase = bd_erase,
		.sync = bd_sync,
		.read_size = 16,
		.prog_size = 16,
		.block_size = BLOCK_SIZE,
		.block_count = BLOCK_COUNT,
		.block_cycles = 500,
		.cache_size = 512,
		.lookahead_size = 512,
		.name_max = name_max,
		.metadata_max = 1024,
	};
	return c;
}

static int failures;

#define CHECK(cond) do { if (!(cond)) { printf("  FAILED: %s (line %d)\n", #cond, __LINE__); failures++; } } while (0)

static void reset_counts(void)
{
	bd.reads = bd.progs = bd.erases = 0;
	bd.fail_reads = bd.fail_erases = 0;
}

static const char payload[] = "sealed evidence entry 0000000001";
static const char *evidence_path = "ev/0000000/0000000001.qce";

/* A volume as provisioning leaves it plus one sealed entry. */
static void make_volume(lfs_size_t name_max)
{
	memset(bd.image, 0xFF, sizeof(bd.image));
	struct lfs_config c = tuned(name_max);
	lfs_t lfs;
	lfs_file_t f;
	if (lfs_format(&lfs, &c) || lfs_mount(&lfs, &c) || lfs_mkdir(&lfs, "ev") || lfs_mkdir(&lfs, "ev/0000000")
			|| lfs_file_open(&lfs, &f, evidence_path, LFS_O_WRONLY | LFS_O_CREAT) < 0
			|| lfs_file_write(&lfs, &f, payload, sizeof(payload)) != (lfs_ssize_t)sizeof(payload)
			|| lfs_file_close(&lfs, &f) || lfs_unmount(&lfs)) {
		printf("  could not build the test volume\n");
		exit(2);
	}
}

static int evidence_intact(lfs_t *lfs)
{
	lfs_file_t f;
	char back[sizeof(payload)];
	if (lfs_file_open(lfs, &f, evidence_path, LFS_O_RDONLY) < 0)
		return 0;
	lfs_ssize_t n = lfs_file_read(lfs, &f, back, sizeof(back));
	lfs_file_close(lfs, &f);
	return n == (lfs_ssize_t)sizeof(payload) && memcmp(back, payload, sizeof(payload)) == 0;
}

static uint8_t before[sizeof(bd.image)];

/* Runs qc_mount on the current image and checks it neither formatted nor wrote anything. */
static void expect_untouched(qc_mount_outcome expected)
{
	memcpy(before, bd.image, sizeof(bd.image));
	struct lfs_config c = tuned(64);
	lfs_t lfs;
	reset_counts();
	qc_mount_outcome got = qc_mount(&lfs, &c, qc_partition_reads_erased, &c);
	printf("  outcome %d (%s), programs %u, erases %u\n", got, qc_mount_outcome_message(got), bd.progs, bd.erases);
	CHECK(got == expected);
	CHECK(bd.progs == 0);
	CHECK(bd.erases == 0);
	CHECK(memcmp(before, bd.image, sizeof(bd.image)) == 0);
}

int main(void)
{
	printf("blank partition: formatted with name_max 64, mounted\n");
	{
		memset(bd.image, 0xFF, sizeof(bd.image));
		struct lfs_config c = tuned(64);
		lfs_t lfs;
		reset_counts();
		qc_mount_outcome got = qc_mount(&lfs, &c, qc_partition_reads_erased, &c);
		printf("  outcome %d (%s), programs %u, erases %u\n", got, qc_mount_outcome_message(got), bd.progs, bd.erases);
		CHECK(got == QC_MOUNT_FORMATTED);
		CHECK(bd.erases > 0);
		struct lfs_fsinfo info;
		CHECK(lfs_fs_stat(&lfs, &info) == 0);
		printf("  superblock name_max %u\n", (unsigned)info.name_max);
		CHECK(info.name_max == 64);
		CHECK(lfs_mkdir(&lfs, "chain") == 0);
		CHECK(lfs_unmount(&lfs) == 0);

		/* Independent of lfs_fs_stat: littlefs refuses a superblock name_max above its own. */
		struct lfs_config small = tuned(63);
		CHECK(lfs_mount(&lfs, &small) == LFS_ERR_INVAL);
		CHECK(lfs_mount(&lfs, &c) == 0);
		CHECK(lfs_unmount(&lfs) == 0);
	}

	printf("valid volume: mounted as it is, nothing written, evidence intact\n");
	{
		make_volume(64);
		memcpy(before, bd.image, sizeof(bd.image));
		struct lfs_config c = tuned(64);
		lfs_t lfs;
		reset_counts();
		qc_mount_outcome got = qc_mount(&lfs, &c, qc_partition_reads_erased, &c);
		printf("  outcome %d (%s), programs %u, erases %u, reads %u\n", got, qc_mount_outcome_message(got), bd.progs, bd.erases, bd.reads);
		CHECK(got == QC_MOUNT_MOUNTED);
		CHECK(bd.progs == 0 && bd.erases == 0);
		/* The blank scan (BLOCK_SIZE * BLOCK_COUNT / 256 reads) was not needed. */
		CHECK(bd.reads < BLOCK_SIZE * BLOCK_COUNT / 256);
		CHECK(memcmp(before, bd.image, sizeof(bd.image)) == 0);
		CHECK(evidence_intact(&lfs));
		lfs_unmount(&lfs);
	}

	printf("corrupt volume (superblock pair clobbered): not formatted, nothing written\n");
	{
		make_volume(64);
		memset(bd.image, 0x00, 2 * BLOCK_SIZE);
		expect_untouched(QC_MOUNT_UNREADABLE);
		/* The data blocks are still there for a forensic reader. */
		CHECK(memmem(bd.image, sizeof(bd.image), payload, sizeof(payload)) != NULL);
	}

	printf("superblocks half-erased (torn erase): not formatted, nothing written\n");
	{
		make_volume(64);
		memset(bd.image, 0xFF, 16);
		memset(bd.image + BLOCK_SIZE, 0xFF, 16);
		expect_untouched(QC_MOUNT_UNREADABLE);
	}

	printf("no filesystem, a few bytes not 0xFF: not formatted, nothing written\n");
	{
		memset(bd.image, 0xFF, sizeof(bd.image));
		bd.image[BLOCK_SIZE * 17 + 123] = 0x7F;
		bd.image[BLOCK_SIZE * 40] = 0x00;
		expect_untouched(QC_MOUNT_UNREADABLE);
	}

	printf("no filesystem, only the very last byte not 0xFF: not formatted (the scan covers the whole partition)\n");
	{
		memset(bd.image, 0xFF, sizeof(bd.image));
		bd.image[sizeof(bd.image) - 1] = 0xFE;
		expect_untouched(QC_MOUNT_UNREADABLE);
	}

	printf("tuning mismatch (volume formatted with name_max 255): not formatted, evidence intact\n");
	{
		make_volume(255);
		expect_untouched(QC_MOUNT_UNREADABLE);
		struct lfs_config wide = tuned(255);
		lfs_t lfs;
		CHECK(lfs_mount(&lfs, &wide) == 0);
		CHECK(evidence_intact(&lfs));
		lfs_unmount(&lfs);
	}

	printf("flash reads fail: not formatted, nothing written\n");
	{
		memset(bd.image, 0xFF, sizeof(bd.image));
		memcpy(before, bd.image, sizeof(bd.image));
		struct lfs_config c = tuned(64);
		lfs_t lfs;
		reset_counts();
		bd.fail_reads = 1;
		qc_mount_outcome got = qc_mount(&lfs, &c, qc_partition_reads_erased, &c);
		printf("  outcome %d (%s), programs %u, erases %u\n", got, qc_mount_outcome_message(got), bd.progs, bd.erases);
		CHECK(got == QC_MOUNT_READ_FAILED);
		CHECK(bd.progs == 0 && bd.erases == 0);
	}

	printf("blank partition whose erases fail: format failure reported\n");
	{
		memset(bd.image, 0xFF, sizeof(bd.image));
		struct lfs_config c = tuned(64);
		lfs_t lfs;
		reset_counts();
		bd.fail_erases = 1;
		qc_mount_outcome got = qc_mount(&lfs, &c, qc_partition_reads_erased, &c);
		printf("  outcome %d (%s)\n", got, qc_mount_outcome_message(got));
		CHECK(got == QC_MOUNT_FORMAT_FAILED);
	}

	printf(failures ? "FAIL: %d check(s)\n" : "PASS\n", failures);
	return failures ? 1 : 0;
}
