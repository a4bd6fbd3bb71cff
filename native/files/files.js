/*
 * quancheng: "embedded:storage/files" (ECMA-419 Files, 3rd edition) on the unit.
 *
 * Replaces the Moddable SDK's littlefs files module for one reason: that module formats any
 * volume it cannot mount, and this one never formats a volume that holds anything (see
 * storage-mount.c). The default export is the root Directory of the "storage" partition.
 * Importing never throws; when the volume did not mount, every operation throws the reason
 * ("storage volume unreadable: not formatted (evidence preserved)"), which the firmware
 * shows as a critical fault.
 *
 * JavaScript, not TypeScript, like the SDK's own files modules; the C side is files-host.c.
 * Semantics follow the simulator's host-sim/files/lfs-directory.ts.
 */

// Host functions (files-host.c). `native("name")` and `Native("destructor")` are xsc syntax
// for a C function and a host-object base class; the file stays plain JavaScript for other
// tools (tsc, eslint). Bound once here, not per call.
const mount = native("qc_files_mount");
const check = native("qc_files_check");
const stat = native("qc_files_stat");
const remove = native("qc_files_remove");
const rename = native("qc_files_rename");
const mkdir = native("qc_files_mkdir");
const list = native("qc_files_list");
// Called with `this` = a File:
const fileOpen = native("qc_file_open");
const fileRead = native("qc_file_read");
const fileWrite = native("qc_file_write");
const fileSize = native("qc_file_size");
const fileTruncate = native("qc_file_truncate");
const fileSync = native("qc_file_sync");
const fileClose = native("qc_file_close");

/** ECMA-419 paths are relative: no leading "/", no empty, "." or ".." component. */
function checkPath(path) {
	if (typeof path !== "string" || path === "" || path.startsWith("/") || path.split("/").some((c) => c === "" || c === "." || c === ".."))
		throw new Error(`invalid path ${JSON.stringify(path)}`);
}

function checkPosition(position) {
	if (!Number.isInteger(position) || position < 0)
		throw new RangeError("position required");
}

const S_IFDIR = 0o040755, S_IFREG = 0o100644;  // the simulator's modes

class Status {
	constructor(size) {  // size < 0: a directory (qc_files_stat)
		this.size = size < 0 ? 0 : size;
		this.mode = size < 0 ? S_IFDIR : S_IFREG;
		Object.freeze(this);
	}
	isFile() { return this.mode === S_IFREG; }
	isDirectory() { return this.mode === S_IFDIR; }
	isSymbolicLink() { return false; }
}

class File extends Native("qc_file_destructor") {
	constructor(path, mode) {
		super();
		fileOpen.call(this, path, mode);
	}

	read(what, position) {
		checkPosition(position);
		if (typeof what === "number") {
			const buffer = new ArrayBuffer(what);
			const n = fileRead.call(this, buffer, position);
			return n === what ? buffer : buffer.slice(0, n);  // shorter only at the end of the file
		}
		return fileRead.call(this, what, position);
	}
	write(buffer, position) {
		checkPosition(position);
		return fileWrite.call(this, buffer, position);
	}
	status() { return new Status(fileSize.call(this)); }
	setSize(size) {
		checkPosition(size);
		fileTruncate.call(this, size);
	}
	flush() { fileSync.call(this); }
	close() { fileClose.call(this); }
}

const PRIVATE = Symbol("directory");

class Directory {
	#base;  // "" for the root, else "a/b" (no trailing "/")
	#closed = false;

	constructor(key, base) {
		if (key !== PRIVATE)
			throw new TypeError("use openDirectory");
		this.#base = base;
	}
	#ready() {
		if (this.#closed)
			throw new Error("directory closed");
		check();  // the volume's fault first, so an unmounted volume never reads as a bad argument
	}
	#path(path) {
		this.#ready();
		checkPath(path);
		return this.#base ? `${this.#base}/${path}` : path;
	}

	openFile(options) {
		const mode = options.mode ?? "r";
		if (mode !== "r" && mode !== "r+" && mode !== "w" && mode !== "w+")
			throw new Error(`invalid mode ${JSON.stringify(mode)}`);
		return new File(this.#path(options.path), mode);
	}
	openDirectory(options) {
		const path = this.#path(options.path);
		if (stat(path) >= 0)
			throw new Error(`${options.path} is not a directory`);
		return new Directory(PRIVATE, path);
	}
	delete(path) { return remove(this.#path(path)); }
	move(from, to) { rename(this.#path(from), this.#path(to)); }
	status(path) { return new Status(stat(this.#path(path))); }
	createDirectory(path) { return mkdir(this.#path(typeof path === "object" ? path.path : path)); }
	scan(path) {
		if (path === undefined)
			this.#ready();
		return list(path === undefined ? this.#base : this.#path(path))[Symbol.iterator]();
	}
	[Symbol.iterator]() { return this.scan(); }
	close() { this.#closed = true; }
}

/** How the volume came up: "mounted", "formatted", "unreadable", "read-failed", "format-failed", "no-partition". */
export const volume = mount();

export default Object.freeze(new Directory(PRIVATE, ""));
