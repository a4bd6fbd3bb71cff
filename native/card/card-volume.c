/*
 * quancheng: littlefs on the card's sectors, and the operations the XS binding calls.
 *
 * Threads: the XS thread queues writes and metadata changes (qc_card_write ... qc_card_delete)
 * and returns; the drain task runs littlefs for them (card_apply). Reads, stat and scan first
 * wait for the queue to drain, so littlefs is only ever entered by one thread at a time and
 * sees the writes the caller made before (littlefs's lock hooks are therefore no-ops).
 * Each open file is an object of its own; operations carry its address, so a handle slot can
 * be reused by the XS thread while the drain task still works through the old file's tail.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "card-volume.h"
#include "storage-mount.h"  /* the internal volume's mount policy, shared (native/files) */

/* The metadata log's bound: a compaction of a 128 KiB block would otherwise copy all of it. */
#define QC_CARD_METADATA_MAX 8192u
#define QC_CARD_NAME_MAX 64u

static int card_io_failed(qc_card *card, const char *what, uint32_t sector)
{
	snprintf(card->fault, sizeof(card->fault), "card %s failed at sector %lu", what, (unsigned long)sector);
	return LFS_ERR_IO;
}

static int block_read(const struct lfs_config *c, lfs_block_t block, lfs_off_t off, void *buffer, lfs_size_t size)
{
	qc_card *card = c->context;
	uint32_t sector = block * QC_CARD_BLOCK_SECTORS + off / QC_CARD_SECTOR;
	if (card->io.read(card->io.context, sector, size / QC_CARD_SECTOR, buffer) != 0)
		return card_io_failed(card, "read", sector);
	return 0;
}

static int block_prog(const struct lfs_config *c, lfs_block_t block, lfs_off_t off, const void *buffer, lfs_size_t size)
{
	qc_card *card = c->context;
	uint32_t sector = block * QC_CARD_BLOCK_SECTORS + off / QC_CARD_SECTOR;
	if (card->io.write(card->io.context, sector, size / QC_CARD_SECTOR, buffer) != 0)
		return card_io_failed(card, "write", sector);
	return 0;
}

/* An SD card erases inside its controller when it writes: littlefs's erase has nothing to do. */
static int block_erase(const struct lfs_config *c, lfs_block_t block)
{
	(void)c;
	(void)block;
	return 0;
}

/* sdmmc_write_sectors returns after the card left busy: written data is on the card. */
static int block_sync(const struct lfs_config *c)
{
	(void)c;
	return 0;
}

#ifdef LFS_THREADSAFE
static int no_lock(const struct lfs_config *c)
{
	(void)c;
	return 0;
}
#endif

int qc_card_reads_blank(void *context)
{
	qc_card *card = context;
	const uint32_t chunk = 64;  /* sectors: 32 KiB per read */
	uint8_t *buffer = qc_card_alloc(chunk * QC_CARD_SECTOR);
	if (!buffer)
		return -1;
	uint32_t count = card->io.sector_count;
	uint32_t span = count < 2 * QC_CARD_BLANK_SPAN ? count : QC_CARD_BLANK_SPAN;
	uint32_t starts[2] = { 0, count - span };
	int value = -1, result = 1;
	for (int region = 0; region < 2 && result == 1; region++) {
		for (uint32_t s = starts[region]; s < starts[region] + span && result == 1; s += chunk) {
			uint32_t n = starts[region] + span - s < chunk ? starts[region] + span - s : chunk;
			if (card->io.read(card->io.context, s, n, buffer) != 0) {
				result = -1;
				break;
			}
			if (value < 0)
				value = buffer[0];
			if (value != 0x00 && value != 0xFF)
				result = 0;
			for (uint32_t i = 0; i < n * QC_CARD_SECTOR && result == 1; i++)
				if (buffer[i] != value)
					result = 0;
		}
	}
	qc_card_free(buffer);
	return result;
}

static void release_buffers(qc_card *card)
{
	qc_card_free(card->read_buffer);
	qc_card_free(card->prog_buffer);
	qc_card_free(card->lookahead_buffer);
	card->read_buffer = card->prog_buffer = card->lookahead_buffer = NULL;
}

static qc_card_state from_outcome(qc_mount_outcome outcome)
{
	switch (outcome) {
	case QC_MOUNT_MOUNTED: return QC_CARD_MOUNTED;
	case QC_MOUNT_FORMATTED: return QC_CARD_FORMATTED;
	case QC_MOUNT_UNREADABLE: return QC_CARD_UNREADABLE;
	case QC_MOUNT_READ_FAILED: return QC_CARD_READ_FAILED;
	case QC_MOUNT_FORMAT_FAILED: return QC_CARD_FORMAT_FAILED;
	}
	return QC_CARD_READ_FAILED;
}

qc_card_state qc_card_mount(qc_card *card, const qc_card_io *io)
{
	card->io = *io;
	card->fault[0] = 0;
	card->generation++;
	card->blocks_used_at_mount = 0;
	uint32_t blocks = io->sector_count / QC_CARD_BLOCK_SECTORS;
	if (blocks < 4) {
		card->state = QC_CARD_UNREADABLE;  /* too small to be ours: never written */
		return card->state;
	}
	/* One lookahead pass covers the whole card: the allocator scans once per mount, not per window. */
	card->lookahead_size = ((blocks + 7) / 8 + 7) & ~7u;
	release_buffers(card);
	card->read_buffer = qc_card_alloc(QC_CARD_CACHE_SIZE);
	card->prog_buffer = qc_card_alloc(QC_CARD_CACHE_SIZE);
	card->lookahead_buffer = qc_card_alloc(card->lookahead_size);
	if (!card->read_buffer || !card->prog_buffer || !card->lookahead_buffer) {
		release_buffers(card);
		card->state = QC_CARD_READ_FAILED;
		snprintf(card->fault, sizeof(card->fault), "card: no memory for littlefs buffers");
		return card->state;
	}

	struct lfs_config *c = &card->config;
	memset(c, 0, sizeof(*c));
	c->context = card;
	c->read = block_read;
	c->prog = block_prog;
	c->erase = block_erase;
	c->sync = block_sync;
#ifdef LFS_THREADSAFE
	c->lock = no_lock;
	c->unlock = no_lock;
#endif
	c->read_size = QC_CARD_SECTOR;
	c->prog_size = QC_CARD_SECTOR;
	c->block_size = QC_CARD_BLOCK_SIZE;
	c->block_count = blocks;
	c->block_cycles = -1;  /* the card wear-levels itself */
	c->cache_size = QC_CARD_CACHE_SIZE;
	c->lookahead_size = card->lookahead_size;
	c->read_buffer = card->read_buffer;
	c->prog_buffer = card->prog_buffer;
	c->lookahead_buffer = card->lookahead_buffer;
	c->name_max = QC_CARD_NAME_MAX;
	c->metadata_max = QC_CARD_METADATA_MAX;

	card->state = from_outcome(qc_mount(&card->lfs, c, qc_card_reads_blank, card));
	if (qc_card_usable(card)) {
		lfs_ssize_t used = lfs_fs_size(&card->lfs);
		card->blocks_used_at_mount = used > 0 ? (uint32_t)used : 0;
		qc_queue_restart(&card->queue);
	}
	return card->state;
}

int qc_card_usable(const qc_card *card)
{
	return card->state == QC_CARD_MOUNTED || card->state == QC_CARD_FORMATTED;
}

const char *qc_card_state_name(qc_card_state state)
{
	static const char *const names[] = { "absent", "mounted", "formatted", "unreadable", "read-failed", "format-failed", "removed" };
	return state <= QC_CARD_REMOVED ? names[state] : "removed";
}

static void mark_removed(qc_card *card, const char *fault)
{
	qc_queue_stop(&card->queue, fault);
	qc_queue_fault(&card->queue, card->fault);
	card->state = QC_CARD_REMOVED;
	/*
	 * The files' littlefs state belongs to a volume that is gone: the objects are freed without
	 * lfs_file_close (which would write). Their handles now fail with QC_QUEUE_STOPPED.
	 */
	for (int i = 0; i < QC_CARD_MAX_FILES; i++) {
		qc_card_free(card->files[i]);
		card->files[i] = NULL;
	}
}

qc_card_state qc_card_poll(qc_card *card, int (*open_io)(qc_card_io *io, void *context), void *context)
{
	char fault[96];
	if (qc_card_usable(card)) {
		if (qc_queue_fault(&card->queue, fault))
			mark_removed(card, fault);
		else if (!card->io.present(card->io.context))
			mark_removed(card, "card removed (no answer to status)");
		return card->state;
	}
	if (card->state != QC_CARD_ABSENT && card->state != QC_CARD_REMOVED && card->io.present && card->io.present(card->io.context))
		return card->state;  /* still the same unreadable card in the slot: leave it alone */
	qc_card_io io;
	memset(&io, 0, sizeof(io));
	if (open_io(&io, context) != 0) {
		if (card->state != QC_CARD_REMOVED)
			card->state = QC_CARD_ABSENT;
		return card->state;
	}
	return qc_card_mount(card, &io);
}

/*
	The drain task's side
*/

static int card_apply(void *context, const qc_op *op, char fault[96])
{
	qc_card *card = context;
	qc_card_file *f = NULL;
	if (op->b_length == sizeof(f) && op->kind != QC_OP_MOVE)
		memcpy(&f, op->b, sizeof(f));
	const char *a = (const char *)op->a;
	int result = 0;

	card->fault[0] = 0;
	switch (op->kind) {
	case QC_OP_OPEN:
		memset(&f->config, 0, sizeof(f->config));
		f->config.buffer = f->buffer;
		result = lfs_file_opencfg(&card->lfs, &f->file, a, (int)op->position, &f->config);
		f->open = result == 0;
		break;
	case QC_OP_WRITE:
		if (!f->open || f->error)
			return 0;  /* the file's first error stays; later writes to it are dropped */
		result = lfs_file_seek(&card->lfs, &f->file, (lfs_soff_t)op->position, LFS_SEEK_SET);
		if (result >= 0) {
			lfs_ssize_t n = lfs_file_write(&card->lfs, &f->file, op->a, op->a_length);
			result = n < 0 ? (int)n : (n == (lfs_ssize_t)op->a_length ? 0 : LFS_ERR_NOSPC);
		}
		break;
	case QC_OP_TRUNCATE:
		if (f->open && !f->error)
			result = lfs_file_truncate(&card->lfs, &f->file, op->position);
		break;
	case QC_OP_FLUSH:
		if (f->open && !f->error)
			result = lfs_file_sync(&card->lfs, &f->file);
		break;
	case QC_OP_CLOSE:
		if (f->open)
			result = lfs_file_close(&card->lfs, &f->file);
		qc_card_free(f);  /* the XS thread dropped its pointer when it queued the close */
		f = NULL;
		break;
	case QC_OP_MOVE:
		result = lfs_rename(&card->lfs, a, (const char *)op->b);
		break;
	case QC_OP_MKDIR:
		result = lfs_mkdir(&card->lfs, a);
		if (result == LFS_ERR_EXIST)
			result = 0;
		break;
	case QC_OP_DELETE:
		result = lfs_remove(&card->lfs, a);
		if (result == LFS_ERR_NOENT)
			result = 0;
		break;
	}
	if (result >= 0)
		return 0;
	/* The card failed under littlefs (pulled out, or dead): stop, so nothing more is lost silently. */
	if (result == LFS_ERR_IO || card->fault[0]) {
		strncpy(fault, card->fault[0] ? card->fault : "card I/O error", 95);
		return -1;
	}
	/* A littlefs refusal (no space, no such directory): the file remembers it; the card goes on. */
	if (f && !f->error)
		f->error = result;
	return 0;
}

int qc_card_start(qc_card *card, qc_lock *lock, void *queue_memory, uint32_t capacity)
{
	memset(card, 0, sizeof(*card));
	card->state = QC_CARD_ABSENT;
	qc_queue_init(&card->queue, lock, queue_memory, capacity, card_apply, card);
	return qc_task_start(qc_queue_drain, &card->queue);
}

/*
	The XS thread's side
*/

static int ready(qc_card *card)
{
	if (!qc_card_usable(card))
		return QC_QUEUE_STOPPED;
	char fault[96];
	if (qc_queue_fault(&card->queue, fault))
		return QC_QUEUE_STOPPED;
	return 0;
}

static qc_card_file *file_of(qc_card *card, int handle)
{
	if (handle < 1 || handle > QC_CARD_MAX_FILES)
		return NULL;
	return card->files[handle - 1];
}

static int push_file(qc_card *card, uint32_t kind, qc_card_file *f, uint32_t position, const void *a, uint32_t a_length)
{
	return qc_queue_push(&card->queue, kind, 0, position, a, a_length, &f, sizeof(f));
}

int qc_card_open(qc_card *card, const char *path, int flags)
{
	int r = ready(card);
	if (r)
		return r;
	int slot = 0;
	while (slot < QC_CARD_MAX_FILES && card->files[slot])
		slot++;
	if (slot == QC_CARD_MAX_FILES)
		return LFS_ERR_NOMEM;
	qc_card_file *f = qc_card_alloc(sizeof(qc_card_file));
	if (!f)
		return LFS_ERR_NOMEM;
	memset(f, 0, sizeof(*f));
	f->generation = card->generation;
	if (flags & LFS_O_WRONLY) {
		/* Writers get their handle at once; the open runs on the drain task. */
		r = push_file(card, QC_OP_OPEN, f, (uint32_t)flags, path, (uint32_t)strlen(path) + 1);
		if (r) {
			qc_card_free(f);
			return r;
		}
	} else {
		if ((r = qc_queue_wait_drained(&card->queue)) != 0) {
			qc_card_free(f);
			return r;
		}
		f->config.buffer = f->buffer;
		r = lfs_file_opencfg(&card->lfs, &f->file, path, flags, &f->config);
		if (r < 0) {
			qc_card_free(f);
			return r;
		}
		f->open = 1;
	}
	card->files[slot] = f;
	return slot + 1;
}

int qc_card_write(qc_card *card, int handle, uint32_t position, const void *data, uint32_t length)
{
	int r = ready(card);
	qc_card_file *f = file_of(card, handle);
	if (r)
		return r;
	if (!f)
		return LFS_ERR_BADF;
	return push_file(card, QC_OP_WRITE, f, position, data, length);
}

int qc_card_truncate(qc_card *card, int handle, uint32_t size)
{
	int r = ready(card);
	qc_card_file *f = file_of(card, handle);
	if (r)
		return r;
	if (!f)
		return LFS_ERR_BADF;
	return push_file(card, QC_OP_TRUNCATE, f, size, NULL, 0);
}

int qc_card_flush(qc_card *card, int handle)
{
	int r = ready(card);
	qc_card_file *f = file_of(card, handle);
	if (r)
		return r;
	if (!f)
		return LFS_ERR_BADF;
	return push_file(card, QC_OP_FLUSH, f, 0, NULL, 0);
}

int qc_card_close(qc_card *card, int handle)
{
	qc_card_file *f = file_of(card, handle);
	if (!f)
		return 0;  /* closed already, or dropped with a removed card: close is idempotent */
	int r = ready(card);
	if (r)
		return r;
	r = push_file(card, QC_OP_CLOSE, f, 0, NULL, 0);
	if (r)
		return r;
	card->files[handle - 1] = NULL;  /* the drain task frees it after lfs_file_close */
	return 0;
}

static int push_path(qc_card *card, uint32_t kind, const char *a, const char *b)
{
	int r = ready(card);
	if (r)
		return r;
	return qc_queue_push(&card->queue, kind, 0, 0, a, (uint32_t)strlen(a) + 1, b, b ? (uint32_t)strlen(b) + 1 : 0);
}

int qc_card_move(qc_card *card, const char *from, const char *to)
{
	return push_path(card, QC_OP_MOVE, from, to);
}

int qc_card_mkdir(qc_card *card, const char *path)
{
	return push_path(card, QC_OP_MKDIR, path, NULL);
}

int qc_card_delete(qc_card *card, const char *path)
{
	return push_path(card, QC_OP_DELETE, path, NULL);
}

int32_t qc_card_read(qc_card *card, int handle, uint32_t position, void *data, uint32_t length)
{
	int r = ready(card);
	qc_card_file *f = file_of(card, handle);
	if (r)
		return r;
	if (!f)
		return LFS_ERR_BADF;
	if ((r = qc_queue_wait_drained(&card->queue)) != 0)
		return r;
	if (f->error)
		return f->error;
	if (!f->open)
		return LFS_ERR_BADF;
	r = lfs_file_seek(&card->lfs, &f->file, (lfs_soff_t)position, LFS_SEEK_SET);
	if (r < 0)
		return r;
	return lfs_file_read(&card->lfs, &f->file, data, length);
}

int32_t qc_card_file_size(qc_card *card, int handle)
{
	int r = ready(card);
	qc_card_file *f = file_of(card, handle);
	if (r)
		return r;
	if (!f)
		return LFS_ERR_BADF;
	if ((r = qc_queue_wait_drained(&card->queue)) != 0)
		return r;
	if (f->error)
		return f->error;
	return f->open ? lfs_file_size(&card->lfs, &f->file) : LFS_ERR_BADF;
}

int32_t qc_card_stat(qc_card *card, const char *path, int *is_directory)
{
	int r = ready(card);
	if (r)
		return r;
	if ((r = qc_queue_wait_drained(&card->queue)) != 0)
		return r;
	struct lfs_info info;
	r = lfs_stat(&card->lfs, path[0] ? path : "/", &info);
	if (r < 0)
		return r;
	*is_directory = info.type == LFS_TYPE_DIR;
	return *is_directory ? 0 : (int32_t)info.size;
}
