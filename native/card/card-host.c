/*
 * quancheng: the XS side of "embedded:storage/card" (card.js declares these host functions).
 *
 * One card module state for the machine: started on the first poll, with the queue's memory
 * (defines.card.queue_capacity bytes of PSRAM) and the drain task. Every function runs on the
 * XS thread. Queued operations return once queued; qc_card_* in card-volume.c say which wait.
 * Strings from xsmcToString are copied before XS allocates again (paths are short).
 */
#include <stdlib.h>
#include <string.h>

#include "lfs.h"  /* first, as native/files does: the SDK's lfs.h pulls in xsPlatform.h */
#include "xsmc.h"
#include "mc.defines.h"
#include "card-volume.h"

#ifndef MODDEF_CARD_QUEUE_CAPACITY
	#error "manifest defines.card.queue_capacity must set the write-behind queue's size in bytes"
#endif

static qc_card gCard;
static int gStarted;  /* 0, 1, or -1 when the queue or the task could not be had */

#define PATH_MAX_LENGTH 256

static void copyPath(xsMachine *the, xsSlot *slot, char out[PATH_MAX_LENGTH])
{
	const char *s = xsmcToString(*slot);
	if (strlen(s) >= PATH_MAX_LENGTH)
		xsRangeError("path too long");
	strcpy(out, s[0] ? s : "/");
}

static const char *lfsErrorName(int code)
{
	switch (code) {
	case LFS_ERR_IO: return "LFS_ERR_IO";
	case LFS_ERR_CORRUPT: return "LFS_ERR_CORRUPT";
	case LFS_ERR_NOENT: return "LFS_ERR_NOENT";
	case LFS_ERR_EXIST: return "LFS_ERR_EXIST";
	case LFS_ERR_NOTDIR: return "LFS_ERR_NOTDIR";
	case LFS_ERR_ISDIR: return "LFS_ERR_ISDIR";
	case LFS_ERR_NOTEMPTY: return "LFS_ERR_NOTEMPTY";
	case LFS_ERR_BADF: return "LFS_ERR_BADF";
	case LFS_ERR_FBIG: return "LFS_ERR_FBIG";
	case LFS_ERR_INVAL: return "LFS_ERR_INVAL";
	case LFS_ERR_NOSPC: return "LFS_ERR_NOSPC";
	case LFS_ERR_NOMEM: return "LFS_ERR_NOMEM";
	case LFS_ERR_NAMETOOLONG: return "LFS_ERR_NAMETOOLONG";
	}
	return "LFS_ERR";
}

/* The contract's errors: RangeError for a full queue, the fault once the card stopped. */
static int check(xsMachine *the, int result, const char *what)
{
	if (result == QC_QUEUE_FULL)
		xsRangeError("card queue full");
	if (result == QC_QUEUE_STOPPED) {
		if (gCard.state == QC_CARD_REMOVED || gCard.fault[0])
			xsUnknownError("card %s: %s", qc_card_state_name(gCard.state), gCard.fault[0] ? gCard.fault : "stopped");
		xsUnknownError("card %s", qc_card_state_name(gCard.state));
	}
	if (result < 0)
		xsUnknownError("%s: %s (%d)", what, lfsErrorName(result), result);
	return result;
}

/* poll(): starts the module on first call, then looks at the slot; returns the state's name. */
void qc_card_js_poll(xsMachine *the)
{
	if (gStarted == 0) {
		gStarted = -1;
		void *memory = qc_card_alloc(MODDEF_CARD_QUEUE_CAPACITY);
		qc_lock *lock = qc_lock_create();
		if (memory && lock && qc_card_start(&gCard, lock, memory, MODDEF_CARD_QUEUE_CAPACITY) == 0)
			gStarted = 1;
	}
	if (gStarted < 0)
		xsUnknownError("card: no PSRAM for the queue, or no drain task");
	qc_card_poll(&gCard, qc_card_open_slot, NULL);
	xsmcSetString(xsResult, (char *)qc_card_state_name(gCard.state));
}

/* info(): [state, serial, capacityBytes, blockSize, blockCount, blocksUsedAtMount, generation]; card.js names them. */
void qc_card_js_info(xsMachine *the)
{
	xsIntegerValue i = 0;
	int usable = qc_card_usable(&gCard);
	int answering = gCard.state != QC_CARD_ABSENT && gCard.state != QC_CARD_REMOVED;
	xsmcVars(1);
	xsmcSetNewArray(xsResult, 0);
	xsmcSetString(xsVar(0), (char *)qc_card_state_name(gCard.state));
	xsmcSetIndex(xsResult, i++, xsVar(0));
	xsmcSetString(xsVar(0), answering ? gCard.io.serial : "");
	xsmcSetIndex(xsResult, i++, xsVar(0));
	xsmcSetNumber(xsVar(0), answering ? (double)gCard.io.sector_count * QC_CARD_SECTOR : 0);
	xsmcSetIndex(xsResult, i++, xsVar(0));
	xsmcSetInteger(xsVar(0), usable ? (xsIntegerValue)gCard.config.block_size : 0);
	xsmcSetIndex(xsResult, i++, xsVar(0));
	xsmcSetInteger(xsVar(0), usable ? (xsIntegerValue)gCard.config.block_count : 0);
	xsmcSetIndex(xsResult, i++, xsVar(0));
	xsmcSetInteger(xsVar(0), usable ? (xsIntegerValue)gCard.blocks_used_at_mount : 0);
	xsmcSetIndex(xsResult, i++, xsVar(0));
	xsmcSetInteger(xsVar(0), (xsIntegerValue)gCard.generation);
	xsmcSetIndex(xsResult, i++, xsVar(0));
}

/* queue(): [capacity, used, peak, flushesQueued, flushesDone]; card.js names them. */
void qc_card_js_queue(xsMachine *the)
{
	xsIntegerValue i = 0;
	qc_queue_stats s = { 0 };
	if (gStarted > 0)
		qc_queue_read_stats(&gCard.queue, &s);
	xsmcVars(1);
	xsmcSetNewArray(xsResult, 0);
	xsmcSetNumber(xsVar(0), s.capacity);
	xsmcSetIndex(xsResult, i++, xsVar(0));
	xsmcSetNumber(xsVar(0), s.used);
	xsmcSetIndex(xsResult, i++, xsVar(0));
	xsmcSetNumber(xsVar(0), s.peak);
	xsmcSetIndex(xsResult, i++, xsVar(0));
	xsmcSetNumber(xsVar(0), s.flushes_queued);
	xsmcSetIndex(xsResult, i++, xsVar(0));
	xsmcSetNumber(xsVar(0), s.flushes_done);
	xsmcSetIndex(xsResult, i++, xsVar(0));
}

/* fault(): why the volume stopped, or undefined. */
void qc_card_js_fault(xsMachine *the)
{
	if (gCard.state == QC_CARD_REMOVED && gCard.fault[0])
		xsmcSetString(xsResult, gCard.fault);
}

/* usable(): true while mounted or formatted (card.js hands out root only then). */
void qc_card_js_usable(xsMachine *the)
{
	xsmcSetBoolean(xsResult, qc_card_usable(&gCard));
}

/* stat(path): size of a file, -1 for a directory; waits for the queue to drain. */
void qc_card_js_stat(xsMachine *the)
{
	char path[PATH_MAX_LENGTH];
	copyPath(the, &xsArg(0), path);
	int dir = 0;
	int32_t size = check(the, qc_card_stat(&gCard, path, &dir), path);
	xsmcSetInteger(xsResult, dir ? -1 : size);
}

void qc_card_js_delete(xsMachine *the)
{
	char path[PATH_MAX_LENGTH];
	copyPath(the, &xsArg(0), path);
	check(the, qc_card_delete(&gCard, path), path);
}

void qc_card_js_move(xsMachine *the)
{
	char from[PATH_MAX_LENGTH], to[PATH_MAX_LENGTH];
	copyPath(the, &xsArg(0), from);
	copyPath(the, &xsArg(1), to);
	check(the, qc_card_move(&gCard, from, to), from);
}

void qc_card_js_mkdir(xsMachine *the)
{
	char path[PATH_MAX_LENGTH];
	copyPath(the, &xsArg(0), path);
	check(the, qc_card_mkdir(&gCard, path), path);
}

/* list(path): the names in a directory, read whole after the queue drained (as native/files does). */
void qc_card_js_list(xsMachine *the)
{
	char path[PATH_MAX_LENGTH];
	copyPath(the, &xsArg(0), path);
	if (!qc_card_usable(&gCard))
		check(the, QC_QUEUE_STOPPED, path);
	check(the, qc_queue_wait_drained(&gCard.queue), path);
	lfs_dir_t dir;
	struct lfs_info info;
	xsIntegerValue count = 0;
	check(the, lfs_dir_open(&gCard.lfs, &dir, path), path);
	xsmcVars(1);
	xsmcSetNewArray(xsResult, 0);
	xsTry {
		int result;
		while ((result = lfs_dir_read(&gCard.lfs, &dir, &info)) > 0) {
			if (!strcmp(info.name, ".") || !strcmp(info.name, ".."))
				continue;
			xsmcSetString(xsVar(0), info.name);
			xsmcSetIndex(xsResult, count++, xsVar(0));
		}
		check(the, result, path);
	}
	xsCatch {
		lfs_dir_close(&gCard.lfs, &dir);
		xsThrow(xsException);
	}
	lfs_dir_close(&gCard.lfs, &dir);
}

/*
	File (class File @ "qc_cardfile_destructor" in card.js): host data is the handle, as a pointer-sized integer.
*/

void qc_cardfile_destructor(void *data)
{
	if (data)
		qc_card_close(&gCard, (int)(intptr_t)data);  /* queued: the garbage collector never waits for the card */
}

static int handleOf(xsMachine *the)
{
	void *data = xsmcGetHostDataValidate(xsThis, qc_cardfile_destructor);
	if (!data)
		xsUnknownError("file closed");
	return (int)(intptr_t)data;
}

/* new File(path, mode): "r", "r+", "w", "w+"; writers get their handle at once. */
void qc_cardfile_open(xsMachine *the)
{
	char path[PATH_MAX_LENGTH], mode[4];
	copyPath(the, &xsArg(0), path);
	const char *m = xsmcToString(xsArg(1));
	if (strlen(m) >= sizeof(mode))
		xsUnknownError("invalid mode");
	strcpy(mode, m);
	int flags;
	if (!strcmp(mode, "r"))
		flags = LFS_O_RDONLY;
	else if (!strcmp(mode, "r+"))
		flags = LFS_O_RDWR;
	else if (!strcmp(mode, "w"))
		flags = LFS_O_WRONLY | LFS_O_CREAT | LFS_O_TRUNC;
	else if (!strcmp(mode, "w+"))
		flags = LFS_O_RDWR | LFS_O_CREAT | LFS_O_TRUNC;
	else
		xsUnknownError("invalid mode \"%s\"", mode);
	int handle = check(the, qc_card_open(&gCard, path, flags), path);
	xsmcSetHostData(xsThis, (void *)(intptr_t)handle);
}

static uint32_t position(xsMachine *the, xsSlot *slot)
{
	xsIntegerValue p = xsmcToInteger(*slot);
	if (p < 0)
		xsRangeError("position required");
	return (uint32_t)p;
}

/* readInto(buffer, position): waits for the queue, then reads; returns the count. */
void qc_cardfile_read(xsMachine *the)
{
	int handle = handleOf(the);
	uint32_t at = position(the, &xsArg(1));
	void *data;
	xsUnsignedValue length;
	xsmcGetBufferWritable(xsArg(0), &data, &length);
	xsmcSetInteger(xsResult, check(the, qc_card_read(&gCard, handle, at, data, (uint32_t)length), "read"));
}

/* write(buffer, position): queued (the bytes are copied into the queue); RangeError when full. */
void qc_cardfile_write(xsMachine *the)
{
	int handle = handleOf(the);
	uint32_t at = position(the, &xsArg(1));
	void *data;
	xsUnsignedValue length;
	xsmcGetBufferReadable(xsArg(0), &data, &length);
	check(the, qc_card_write(&gCard, handle, at, data, (uint32_t)length), "write");
	xsmcSetInteger(xsResult, (xsIntegerValue)length);
}

void qc_cardfile_size(xsMachine *the)
{
	xsmcSetInteger(xsResult, check(the, qc_card_file_size(&gCard, handleOf(the)), "size"));
}

void qc_cardfile_truncate(xsMachine *the)
{
	int handle = handleOf(the);
	check(the, qc_card_truncate(&gCard, handle, position(the, &xsArg(0))), "setSize");
}

void qc_cardfile_sync(xsMachine *the)
{
	check(the, qc_card_flush(&gCard, handleOf(the)), "flush");
}

/* close(): idempotent; queued. */
void qc_cardfile_close(xsMachine *the)
{
	void *data = xsmcGetHostDataValidate(xsThis, qc_cardfile_destructor);
	if (!data)
		return;
	xsmcSetHostData(xsThis, NULL);
	check(the, qc_card_close(&gCard, (int)(intptr_t)data), "close");
}
