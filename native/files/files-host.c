/*
 * quancheng: the native half of "embedded:storage/files" (ECMA-419 Files) on the unit.
 *
 * files.js keeps paths, Directory objects and argument checks in JavaScript; this file holds
 * the one littlefs volume and the host functions files.js declares with `@ "name"`. The
 * volume is mounted once, on first import, by storage-mount.c's policy, and stays mounted for
 * the life of the machine (littlefs needs no unmount before power-off). If the policy refuses
 * the volume, every operation throws the policy's message: the firmware catches it and shows
 * the critical fault; nothing is ever written to a volume that did not mount.
 *
 * Strings from xsmcToString point into the XS heap: they are used before anything else
 * allocates in XS, and files.js passes only strings, so no conversion allocates either.
 */
#include <stdlib.h>
#include <string.h>

#include "lfs.h"  /* first, as the SDK's own files module does: its lfs.h pulls in xsPlatform.h */
#include "xsmc.h"
#include "mc.defines.h"
#include "storage-mount.h"
#include "storage-flash.h"

#ifndef MODDEF_FILE_PARTITION
	#define MODDEF_FILE_PARTITION "storage"
#endif
/* The tuning comes from manifest.json defines.file.lfs; no defaults: a build without it must fail. */
#if !defined(MODDEF_FILE_LFS_READ_SIZE) || !defined(MODDEF_FILE_LFS_PROG_SIZE) \
		|| !defined(MODDEF_FILE_LFS_CACHE_SIZE) || !defined(MODDEF_FILE_LFS_LOOKAHEAD_SIZE) \
		|| !defined(MODDEF_FILE_LFS_BLOCK_CYCLES) || !defined(MODDEF_FILE_LFS_NAME_MAX) \
		|| !defined(MODDEF_FILE_LFS_METADATA_MAX)
	#error "manifest defines.file.lfs must set read_size, prog_size, cache_size, lookahead_size, block_cycles, name_max and metadata_max"
#endif

enum { kVolumeNotStarted = -1, kVolumeNoPartition = -2 };

static struct {
	int outcome;  /* a qc_mount_outcome, or kVolumeNotStarted / kVolumeNoPartition */
	struct lfs_config config;
	lfs_t lfs;
} gVolume = { .outcome = kVolumeNotStarted };

static int volumeUsable(void)
{
	return gVolume.outcome == QC_MOUNT_MOUNTED || gVolume.outcome == QC_MOUNT_FORMATTED;
}

static const char *volumeMessage(void)
{
	if (gVolume.outcome == kVolumeNotStarted)
		return "storage volume not mounted";
	if (gVolume.outcome == kVolumeNoPartition)
		return "storage volume: no \"" MODDEF_FILE_PARTITION "\" partition";
	return qc_mount_outcome_message((qc_mount_outcome)gVolume.outcome);
}

#define requireVolume() do { if (!volumeUsable()) xsUnknownError("%s", volumeMessage()); } while (0)

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

/* The error names match the simulator's littlefs binding, so firmware and tests see the same text. */
#define throwIfFailed(result, what) do { int _r = (result); if (_r < 0) xsUnknownError("%s: %s (%d)", what, lfsErrorName(_r), _r); } while (0)

/* littlefs names the root "/"; files.js names it "". */
static const char *lfsPath(const char *path)
{
	return path[0] ? path : "/";
}

/*
	Volume
*/

/* Mounts on first call; returns the outcome's name, which files.js exports as `volume`. */
void qc_files_mount(xsMachine *the)
{
	if (gVolume.outcome == kVolumeNotStarted) {
		memset(&gVolume.config, 0, sizeof(gVolume.config));
		if (qc_flash_configure(&gVolume.config, MODDEF_FILE_PARTITION) != 0)
			gVolume.outcome = kVolumeNoPartition;
		else {
			gVolume.config.read_size = MODDEF_FILE_LFS_READ_SIZE;
			gVolume.config.prog_size = MODDEF_FILE_LFS_PROG_SIZE;
			gVolume.config.cache_size = MODDEF_FILE_LFS_CACHE_SIZE;
			gVolume.config.lookahead_size = MODDEF_FILE_LFS_LOOKAHEAD_SIZE;
			gVolume.config.block_cycles = MODDEF_FILE_LFS_BLOCK_CYCLES;
			/* The two Moddable's module leaves at littlefs's defaults (255 and block_size). */
			gVolume.config.name_max = MODDEF_FILE_LFS_NAME_MAX;
			gVolume.config.metadata_max = MODDEF_FILE_LFS_METADATA_MAX;
			gVolume.outcome = qc_mount(&gVolume.lfs, &gVolume.config, qc_partition_reads_erased, &gVolume.config);
		}
	}

	static const char *const names[] = { "mounted", "formatted", "unreadable", "read-failed", "format-failed" };
	if (gVolume.outcome >= 0 && gVolume.outcome < (int)(sizeof(names) / sizeof(names[0])))
		xsmcSetString(xsResult, (char *)names[gVolume.outcome]);
	else
		xsmcSetString(xsResult, "no-partition");
}

/* Throws the reason when the volume is not usable, else returns undefined. */
void qc_files_check(xsMachine *the)
{
	requireVolume();
}

/* stat(path): the size of a file, -1 for a directory; throws when nothing is there. */
void qc_files_stat(xsMachine *the)
{
	requireVolume();
	const char *path = xsmcToString(xsArg(0));
	struct lfs_info info;
	throwIfFailed(lfs_stat(&gVolume.lfs, lfsPath(path), &info), path);
	xsmcSetInteger(xsResult, info.type == LFS_TYPE_DIR ? -1 : (xsIntegerValue)info.size);
}

/* remove(path): false when nothing was there. */
void qc_files_remove(xsMachine *the)
{
	requireVolume();
	const char *path = xsmcToString(xsArg(0));
	int result = lfs_remove(&gVolume.lfs, path);
	if (result == LFS_ERR_NOENT) {
		xsmcSetFalse(xsResult);
		return;
	}
	throwIfFailed(result, path);
	xsmcSetTrue(xsResult);
}

/* rename(from, to): atomic in littlefs; replaces `to`. */
void qc_files_rename(xsMachine *the)
{
	requireVolume();
	const char *from = xsmcToString(xsArg(0));
	const char *to = xsmcToString(xsArg(1));
	throwIfFailed(lfs_rename(&gVolume.lfs, from, to), from);
}

/* mkdir(path): false when something is already there. */
void qc_files_mkdir(xsMachine *the)
{
	requireVolume();
	const char *path = xsmcToString(xsArg(0));
	int result = lfs_mkdir(&gVolume.lfs, path);
	if (result == LFS_ERR_EXIST) {
		xsmcSetFalse(xsResult);
		return;
	}
	throwIfFailed(result, path);
	xsmcSetTrue(xsResult);
}

/*
 * list(path): the names in a directory, as an array. Read whole and closed at once rather
 * than through a live iterator: an abandoned iteration would otherwise keep an lfs_dir_t
 * open (and updated by every later write) until the garbage collector found it. Evidence
 * directories hold at most 100 entries.
 */
void qc_files_list(xsMachine *the)
{
	requireVolume();
	lfs_dir_t dir;
	struct lfs_info info;
	xsIntegerValue count = 0;

	/* Copy the path: XS allocates below, which may move the string. The store's directories are short. */
	char path[256];
	const char *arg = lfsPath(xsmcToString(xsArg(0)));
	if (strlen(arg) >= sizeof(path))
		xsUnknownError("%s: path too long", arg);
	strcpy(path, arg);

	throwIfFailed(lfs_dir_open(&gVolume.lfs, &dir, path), path);
	xsmcVars(1);
	xsmcSetNewArray(xsResult, 0);
	xsTry {
		int result;
		while ((result = lfs_dir_read(&gVolume.lfs, &dir, &info)) > 0) {
			if (!strcmp(info.name, ".") || !strcmp(info.name, ".."))
				continue;
			xsmcSetString(xsVar(0), info.name);
			xsmcSetIndex(xsResult, count++, xsVar(0));
		}
		throwIfFailed(result, path);
	}
	xsCatch {
		lfs_dir_close(&gVolume.lfs, &dir);
		xsThrow(xsException);
	}
	lfs_dir_close(&gVolume.lfs, &dir);
}

/*
	File (a host object: class File @ "qc_file_destructor" in files.js)
*/

typedef struct {
	lfs_file_t file;
	int readable;
	int writable;  /* checked here: with asserts off littlefs does not refuse writes to a read-only file */
} qcFile;

/* Runs from the garbage collector for a File never closed; lfs_file_close commits pending data. */
void qc_file_destructor(void *data)
{
	qcFile *f = data;
	if (f) {
		lfs_file_close(&gVolume.lfs, &f->file);
		free(f);
	}
}

static qcFile *openFile(xsMachine *the)
{
	qcFile *f = xsmcGetHostDataValidate(xsThis, qc_file_destructor);
	if (!f)
		xsUnknownError("file closed");
	return f;
}

/* new File(path, mode): mode "r", "r+" (must exist), "w", "w+" (created or emptied). */
void qc_file_open(xsMachine *the)
{
	requireVolume();
	const char *mode = xsmcToString(xsArg(1));
	int flags, readable, writable;
	if (!strcmp(mode, "r"))
		flags = LFS_O_RDONLY, readable = 1, writable = 0;
	else if (!strcmp(mode, "r+"))
		flags = LFS_O_RDWR, readable = 1, writable = 1;
	else if (!strcmp(mode, "w"))
		flags = LFS_O_WRONLY | LFS_O_CREAT | LFS_O_TRUNC, readable = 0, writable = 1;
	else if (!strcmp(mode, "w+"))
		flags = LFS_O_RDWR | LFS_O_CREAT | LFS_O_TRUNC, readable = 1, writable = 1;
	else
		xsUnknownError("invalid mode \"%s\"", mode);

	qcFile *f = calloc(1, sizeof(qcFile));
	if (!f)
		xsUnknownError("no memory");
	const char *path = xsmcToString(xsArg(0));
	int result = lfs_file_open(&gVolume.lfs, &f->file, path, flags);
	if (result < 0) {
		free(f);
		throwIfFailed(result, path);
	}
	f->readable = readable;
	f->writable = writable;
	xsmcSetHostData(xsThis, f);
}

static lfs_soff_t position(xsMachine *the, xsSlot *slot)
{
	xsIntegerValue p = xsmcToInteger(*slot);
	if (p < 0)
		xsRangeError("position required");
	return p;
}

/* readInto(buffer, position): fills buffer from position; returns the count (short at the end). */
void qc_file_read(xsMachine *the)
{
	qcFile *f = openFile(the);
	if (!f->readable)
		xsUnknownError("file not open for reading");
	lfs_soff_t at = position(the, &xsArg(1));
	void *data;
	xsUnsignedValue length;
	xsmcGetBufferWritable(xsArg(0), &data, &length);
	throwIfFailed(lfs_file_seek(&gVolume.lfs, &f->file, at, LFS_SEEK_SET), "seek");
	lfs_ssize_t n = lfs_file_read(&gVolume.lfs, &f->file, data, length);
	throwIfFailed(n, "read");
	xsmcSetInteger(xsResult, n);
}

/* write(buffer, position): writes every byte or throws; returns the count. */
void qc_file_write(xsMachine *the)
{
	qcFile *f = openFile(the);
	if (!f->writable)
		xsUnknownError("file not open for writing");
	lfs_soff_t at = position(the, &xsArg(1));
	void *data;
	xsUnsignedValue length;
	xsmcGetBufferReadable(xsArg(0), &data, &length);
	throwIfFailed(lfs_file_seek(&gVolume.lfs, &f->file, at, LFS_SEEK_SET), "seek");
	lfs_ssize_t n = lfs_file_write(&gVolume.lfs, &f->file, data, length);
	throwIfFailed(n, "write");
	if ((xsUnsignedValue)n != length)
		xsUnknownError("short write (%d of %d bytes)", (int)n, (int)length);
	xsmcSetInteger(xsResult, n);
}

void qc_file_size(xsMachine *the)
{
	qcFile *f = openFile(the);
	lfs_soff_t size = lfs_file_size(&gVolume.lfs, &f->file);
	throwIfFailed(size, "size");
	xsmcSetInteger(xsResult, size);
}

void qc_file_truncate(xsMachine *the)
{
	qcFile *f = openFile(the);
	if (!f->writable)
		xsUnknownError("file not open for writing");
	throwIfFailed(lfs_file_truncate(&gVolume.lfs, &f->file, position(the, &xsArg(0))), "setSize");
}

/* flush(): the commit point; littlefs makes written data durable only here or at close. */
void qc_file_sync(xsMachine *the)
{
	qcFile *f = openFile(the);
	throwIfFailed(lfs_file_sync(&gVolume.lfs, &f->file), "flush");
}

/* close(): idempotent; reports a failed final commit. */
void qc_file_close(xsMachine *the)
{
	qcFile *f = xsmcGetHostDataValidate(xsThis, qc_file_destructor);
	if (!f)
		return;
	xsmcSetHostData(xsThis, NULL);
	int result = lfs_file_close(&gVolume.lfs, &f->file);
	free(f);
	throwIfFailed(result, "close");
}
