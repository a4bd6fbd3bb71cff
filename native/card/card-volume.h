/*
 * quancheng: the card's littlefs volume: geometry, mount policy, open files, and the apply
 * function the drain task runs. Portable C over card-platform.h and littlefs.
 */
#ifndef QC_CARD_VOLUME_H
#define QC_CARD_VOLUME_H

#include "lfs.h"
#include "card-platform.h"
#include "card-queue.h"

/* The contract's CardState (hal/types/card.d.ts), in this order: names in qc_card_state_name. */
typedef enum {
	QC_CARD_ABSENT = 0,
	QC_CARD_MOUNTED,
	QC_CARD_FORMATTED,
	QC_CARD_UNREADABLE,
	QC_CARD_READ_FAILED,
	QC_CARD_FORMAT_FAILED,
	QC_CARD_REMOVED,
} qc_card_state;

#define QC_CARD_BLOCK_SECTORS 256u                          /* littlefs block: 128 KiB */
#define QC_CARD_BLOCK_SIZE (QC_CARD_BLOCK_SECTORS * QC_CARD_SECTOR)
#define QC_CARD_CACHE_SIZE 32768u                           /* so the card sees ≥ 32 KB aligned writes */
#define QC_CARD_MAX_FILES 8                                 /* open File handles at once */
#define QC_CARD_BLANK_SPAN (2048u)                          /* sectors = 1 MiB, checked at each end */

typedef struct {
	uint32_t generation;  /* the card it was opened on */
	int open;             /* lfs_file_open succeeded (on the drain task) */
	int error;            /* the first littlefs error of an operation on this file, sticky */
	lfs_file_t file;
	struct lfs_file_config config;
	uint8_t buffer[QC_CARD_CACHE_SIZE];  /* the file's cache */
} qc_card_file;

typedef struct {
	qc_card_state state;
	uint32_t generation;
	uint32_t blocks_used_at_mount;
	qc_card_io io;
	struct lfs_config config;
	lfs_t lfs;
	uint8_t *read_buffer, *prog_buffer, *lookahead_buffer;
	uint32_t lookahead_size;
	qc_card_file *files[QC_CARD_MAX_FILES];  /* owned by the XS thread; the drain task frees on close */
	qc_queue queue;
	char fault[96];
} qc_card;

/* Sets up the queue (memory of capacity bytes) and starts the drain task: 0 or negative. */
int qc_card_start(qc_card *card, qc_lock *lock, void *queue_memory, uint32_t capacity);

/* Mounts the card `io` describes by the policy (blank → format; anything else → never written). */
qc_card_state qc_card_mount(qc_card *card, const qc_card_io *io);

/*
 * poll(): notices a mounted card that stopped answering (→ QC_CARD_REMOVED) and calls open_io
 * to look for a card when there is none. open_io fills `io` and returns 0, or returns negative
 * when no card answers; a card found is mounted (generation + 1).
 */
qc_card_state qc_card_poll(qc_card *card, int (*open_io)(qc_card_io *io, void *context), void *context);

int qc_card_usable(const qc_card *card);
const char *qc_card_state_name(qc_card_state state);

/* 1 if the first and last MiB of the card read all 0x00 or all 0xFF, 0 if not, negative on a read error. */
int qc_card_reads_blank(void *card);

/*
 * The operations. Each returns 0 or a negative littlefs error / QC_QUEUE_FULL / QC_QUEUE_STOPPED.
 * Queued ones return once queued; the others wait for the queue to drain first.
 */
int qc_card_open(qc_card *card, const char *path, int flags);  /* returns a handle ≥ 1 */
int qc_card_write(qc_card *card, int handle, uint32_t position, const void *data, uint32_t length);
int qc_card_truncate(qc_card *card, int handle, uint32_t size);
int qc_card_flush(qc_card *card, int handle);
int qc_card_close(qc_card *card, int handle);
int qc_card_move(qc_card *card, const char *from, const char *to);
int qc_card_mkdir(qc_card *card, const char *path);
int qc_card_delete(qc_card *card, const char *path);
int32_t qc_card_read(qc_card *card, int handle, uint32_t position, void *data, uint32_t length);
int32_t qc_card_file_size(qc_card *card, int handle);
/* The size of a file (0 and *is_directory = 1 for a directory), or a negative error. */
int32_t qc_card_stat(qc_card *card, const char *path, int *is_directory);

#endif
