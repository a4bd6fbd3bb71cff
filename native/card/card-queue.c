/*
 * quancheng: the card's write-behind queue (see card-queue.h).
 *
 * One ring of variable-length records: a header, then a's bytes, then b's, rounded up to 8.
 * A record never wraps: when it does not fit before the end of the ring it goes to the start
 * and the gap it leaves counts as used until the drain task passes it. The drain task releases
 * a record only after apply() returned, so the bytes it reads are never overwritten meanwhile.
 */
#include <string.h>

#include "card-queue.h"

typedef struct {
	uint32_t kind, handle, position, a_length, b_length, size;
} record;

static uint32_t round8(uint32_t n)
{
	return (n + 7u) & ~7u;
}

void qc_queue_init(qc_queue *q, qc_lock *lock, void *memory, uint32_t capacity, qc_apply apply, void *context)
{
	memset(q, 0, sizeof(*q));
	q->lock = lock;
	q->ring = memory;
	q->capacity = capacity & ~7u;
	q->end = q->capacity;
	q->apply = apply;
	q->context = context;
}

/* Where a record of `size` bytes goes, or -1 when there is no room. Called with the lock held. */
static int64_t place(qc_queue *q, uint32_t size)
{
	if (q->used == 0) {
		q->head = q->tail = 0;
		q->end = q->capacity;
	}
	if (q->used == 0 || q->head > q->tail) {
		if (q->capacity - q->head >= size)
			return q->head;
		if (q->tail >= size) {
			/* wrap: the gap up to the end stays used until the drain task reaches it */
			q->used += q->capacity - q->head;
			q->end = q->head;
			q->head = 0;
			return 0;
		}
		return -1;
	}
	if (q->head < q->tail && q->tail - q->head >= size)
		return q->head;
	return -1;  /* head == tail with used > 0: full */
}

int qc_queue_push(qc_queue *q, uint32_t kind, uint32_t handle, uint32_t position,
		const void *a, uint32_t a_length, const void *b, uint32_t b_length)
{
	uint64_t total = (uint64_t)sizeof(record) + a_length + b_length;
	if (total > q->capacity)
		return q->stopped ? QC_QUEUE_STOPPED : QC_QUEUE_FULL;
	uint32_t size = round8((uint32_t)total);

	qc_lock_take(q->lock);
	if (q->stopped) {
		qc_lock_give(q->lock);
		return QC_QUEUE_STOPPED;
	}
	int64_t at = place(q, size);
	if (at < 0) {
		qc_lock_give(q->lock);
		return QC_QUEUE_FULL;
	}
	/*
	 * The copy runs under the lock: the drain task only ever reads records before `head`, and it
	 * takes the lock only between records, so this never waits for the card (memcpy into PSRAM
	 * is about 57 MB/s: 32 KB costs about 0.6 ms).
	 */
	uint8_t *p = q->ring + at;
	record r = { kind, handle, position, a_length, b_length, size };
	memcpy(p, &r, sizeof(r));
	if (a_length)
		memcpy(p + sizeof(r), a, a_length);
	if (b_length)
		memcpy(p + sizeof(r) + a_length, b, b_length);
	q->head = (uint32_t)at + size;
	q->used += size;
	if (q->used > q->peak)
		q->peak = q->used;
	if (QC_OP_IS_FLUSH(kind))
		q->flushes_queued++;
	qc_lock_wake(q->lock);
	qc_lock_give(q->lock);
	return QC_QUEUE_OK;
}

void qc_queue_drain(void *argument)
{
	qc_queue *q = argument;
	qc_lock_take(q->lock);
	for (;;) {
		while (q->stopped || q->used == 0)
			qc_lock_wait(q->lock);
		if (q->tail == q->end && q->end != q->capacity) {
			q->used -= q->capacity - q->end;
			q->tail = 0;
			q->end = q->capacity;
			if (q->used == 0)
				continue;
		}
		record r;
		memcpy(&r, q->ring + q->tail, sizeof(r));
		const uint8_t *a = q->ring + q->tail + sizeof(r);
		qc_op op = { r.kind, r.handle, r.position, r.a_length, r.b_length, a, a + r.a_length };
		q->applying = 1;
		qc_lock_give(q->lock);

		char fault[96] = "";
		int result = q->apply(q->context, &op, fault);

		qc_lock_take(q->lock);
		q->applying = 0;
		if (q->stopped) {
			/* stopped from outside while this record ran: its bytes are dropped with the rest */
			qc_lock_wake(q->lock);
			continue;
		}
		if (result < 0) {
			q->stopped = 1;
			strncpy(q->fault, fault[0] ? fault : "card operation failed", sizeof(q->fault) - 1);
			q->used = 0;
			q->head = q->tail = 0;
			q->end = q->capacity;
		} else {
			q->tail += r.size;
			q->used -= r.size;
			/* After apply returned: every write queued before this flush is on the card. */
			if (QC_OP_IS_FLUSH(r.kind))
				q->flushes_done++;
		}
		qc_lock_wake(q->lock);
	}
}

int qc_queue_wait_drained(qc_queue *q)
{
	qc_lock_take(q->lock);
	while (!q->stopped && (q->used != 0 || q->applying))
		qc_lock_wait(q->lock);
	/* After a stop, wait for a record still being applied: the caller is about to touch littlefs. */
	while (q->applying)
		qc_lock_wait(q->lock);
	int result = q->stopped ? QC_QUEUE_STOPPED : QC_QUEUE_OK;
	qc_lock_give(q->lock);
	return result;
}

void qc_queue_stop(qc_queue *q, const char *fault)
{
	qc_lock_take(q->lock);
	/*
	 * Wait for a record the drain task is applying: the caller frees the files' state next. A
	 * card pulled mid-write makes that write fail within the host's timeout, so this is bounded.
	 */
	while (q->applying)
		qc_lock_wait(q->lock);
	if (!q->stopped) {
		q->stopped = 1;
		strncpy(q->fault, fault, sizeof(q->fault) - 1);
		q->used = 0;
		q->head = q->tail = 0;
		q->end = q->capacity;
	}
	qc_lock_wake(q->lock);
	qc_lock_give(q->lock);
}

void qc_queue_restart(qc_queue *q)
{
	qc_lock_take(q->lock);
	while (q->applying)
		qc_lock_wait(q->lock);
	q->stopped = 0;
	memset(q->fault, 0, sizeof(q->fault));
	q->used = 0;
	q->head = q->tail = 0;
	q->end = q->capacity;
	qc_lock_give(q->lock);
}

void qc_queue_read_stats(qc_queue *q, qc_queue_stats *s)
{
	qc_lock_take(q->lock);
	s->capacity = q->capacity;
	s->used = q->used;
	s->peak = q->peak;
	s->flushes_queued = q->flushes_queued;
	s->flushes_done = q->flushes_done;
	qc_lock_give(q->lock);
}

int qc_queue_fault(qc_queue *q, char out[96])
{
	qc_lock_take(q->lock);
	int stopped = q->stopped;
	memcpy(out, q->fault, 96);
	out[95] = 0;
	qc_lock_give(q->lock);
	return stopped;
}
