/*
 * quancheng: the card's write-behind queue.
 *
 * The XS thread pushes operations (file writes with their bytes, flushes, closes, moves, ...)
 * into one ring buffer and returns at once; one drain task applies them, in order, through a
 * callback (card-volume.c runs littlefs there). The callback runs without the lock held, so a
 * card that stalls for 250 ms blocks the drain task, never the thread that pushes.
 */
#ifndef QC_CARD_QUEUE_H
#define QC_CARD_QUEUE_H

#include <stddef.h>
#include <stdint.h>

#include "card-platform.h"

typedef enum {
	QC_OP_OPEN = 1,  /* a: path; position: littlefs open flags */
	QC_OP_WRITE,     /* a: the bytes; position: where in the file */
	QC_OP_TRUNCATE,  /* position: the new size */
	QC_OP_FLUSH,     /* lfs_file_sync: a commit point */
	QC_OP_CLOSE,
	QC_OP_MOVE,      /* a: from, b: to */
	QC_OP_MKDIR,     /* a: path */
	QC_OP_DELETE,    /* a: path */
} qc_op_kind;

/* True for the operations the contract counts as flushes (flushesQueued / flushesDone). */
#define QC_OP_IS_FLUSH(kind) ((kind) >= QC_OP_FLUSH)

typedef struct {
	uint32_t kind;
	uint32_t handle;    /* the file slot (card-volume.c); 0 for directory operations */
	uint32_t position;
	uint32_t a_length;  /* bytes of a (paths include their NUL) */
	uint32_t b_length;
	const uint8_t *a;
	const uint8_t *b;
} qc_op;

/* Returns 0, or a negative number: the queue then stops (state "removed") and keeps `fault`. */
typedef int (*qc_apply)(void *context, const qc_op *op, char fault[96]);

enum { QC_QUEUE_OK = 0, QC_QUEUE_FULL = -1, QC_QUEUE_STOPPED = -2 };

typedef struct {
	uint32_t capacity, used, peak;
	uint32_t flushes_queued, flushes_done;
} qc_queue_stats;

typedef struct {
	qc_lock *lock;
	uint8_t *ring;
	uint32_t capacity;
	uint32_t head, tail, end;  /* end: where the data stops before a wrap (capacity when none) */
	uint32_t used, peak;
	uint32_t flushes_queued, flushes_done;
	int applying;              /* the drain task is inside apply() */
	int stopped;
	char fault[96];
	qc_apply apply;
	void *context;
} qc_queue;

/* memory must hold capacity bytes (a multiple of 8). */
void qc_queue_init(qc_queue *q, qc_lock *lock, void *memory, uint32_t capacity, qc_apply apply, void *context);

/* Queues one operation, copying a and b; QC_QUEUE_FULL queues nothing. Never waits for the card. */
int qc_queue_push(qc_queue *q, uint32_t kind, uint32_t handle, uint32_t position,
		const void *a, uint32_t a_length, const void *b, uint32_t b_length);

/* Waits until everything queued is applied: 0, or QC_QUEUE_STOPPED (fault says why). */
int qc_queue_wait_drained(qc_queue *q);

/* The drain task's body (qc_task_start(qc_queue_drain, q)); never returns. */
void qc_queue_drain(void *q);

/*
 * Stops the queue from outside (a card pulled out, seen by poll): pending operations are dropped.
 * Returns once the drain task is outside apply(), so the caller may free what records point at.
 */
void qc_queue_stop(qc_queue *q, const char *fault);

/* Starts again after a stop, empty, for a newly mounted card; counters run on since power-on. */
void qc_queue_restart(qc_queue *q);

void qc_queue_read_stats(qc_queue *q, qc_queue_stats *stats);

/* Copies the fault into out (size 96); returns 1 if the queue is stopped. */
int qc_queue_fault(qc_queue *q, char out[96]);

#endif
