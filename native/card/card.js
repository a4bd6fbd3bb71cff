/*
 * quancheng: "embedded:storage/card" on the unit (hal/types/card.d.ts is the contract).
 *
 * The card's littlefs volume behind a write-behind queue (card-queue.c, drained by a task of
 * its own): File.write, flush, close, Directory.move, createDirectory and delete return once
 * queued; reads, status and scan wait for the queue to drain. Paths are checked here as
 * native/files/files.js checks them. The C side is card-host.c.
 */

const poll = native("qc_card_js_poll");
const info = native("qc_card_js_info");
const queue = native("qc_card_js_queue");
const fault = native("qc_card_js_fault");
const usable = native("qc_card_js_usable");
const stat = native("qc_card_js_stat");
const remove = native("qc_card_js_delete");
const rename = native("qc_card_js_move");
const mkdir = native("qc_card_js_mkdir");
const list = native("qc_card_js_list");
// Called with `this` = a File:
const fileOpen = native("qc_cardfile_open");
const fileRead = native("qc_cardfile_read");
const fileWrite = native("qc_cardfile_write");
const fileSize = native("qc_cardfile_size");
const fileTruncate = native("qc_cardfile_truncate");
const fileSync = native("qc_cardfile_sync");
const fileClose = native("qc_cardfile_close");

function checkPath(path) {
	if (typeof path !== "string" || path === "" || path.startsWith("/") || path.split("/").some((c) => c === "" || c === "." || c === ".."))
		throw new Error(`invalid path ${JSON.stringify(path)}`);
}

function checkPosition(position) {
	if (!Number.isInteger(position) || position < 0)
		throw new RangeError("position required");
}

const S_IFDIR = 0o040755, S_IFREG = 0o100644;

class Status {
	constructor(size) {
		this.size = size < 0 ? 0 : size;
		this.mode = size < 0 ? S_IFDIR : S_IFREG;
		Object.freeze(this);
	}
	isFile() { return this.mode === S_IFREG; }
	isDirectory() { return this.mode === S_IFDIR; }
	isSymbolicLink() { return false; }
}

class File extends Native("qc_cardfile_destructor") {
	constructor(path, mode) {
		super();
		fileOpen.call(this, path, mode);
	}
	read(what, position) {
		checkPosition(position);
		if (typeof what === "number") {
			const buffer = new ArrayBuffer(what);
			const n = fileRead.call(this, buffer, position);
			return n === what ? buffer : buffer.slice(0, n);
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
	#base;
	#generation;  // a root belongs to one card: after a swap, the old one throws
	#closed = false;

	constructor(key, base, generation) {
		if (key !== PRIVATE)
			throw new TypeError("use openDirectory");
		this.#base = base;
		this.#generation = generation;
	}
	#ready() {
		if (this.#closed)
			throw new Error("directory closed");
		if (!usable() || info()[6] !== this.#generation)
			throw new Error(`card ${info()[0]}${fault() ? ": " + fault() : ""}`);
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
		return new Directory(PRIVATE, path, this.#generation);
	}
	delete(path) { remove(this.#path(path)); return true; }
	move(from, to) { rename(this.#path(from), this.#path(to)); }
	status(path) { return new Status(stat(this.#path(path))); }
	createDirectory(path) { mkdir(this.#path(typeof path === "object" ? path.path : path)); return true; }
	scan(path) {
		if (path === undefined)
			this.#ready();
		return list(path === undefined ? this.#base : this.#path(path))[Symbol.iterator]();
	}
	[Symbol.iterator]() { return this.scan(); }
	close() { this.#closed = true; }
}

function cardInfo() {
	const [state, serial, capacityBytes, blockSize, blockCount, blocksUsedAtMount, generation] = info();
	return Object.freeze({ state, serial, capacityBytes, blockSize, blockCount, blocksUsedAtMount, generation });
}

let root;  // the Directory of the mounted card, made once per generation

const card = Object.freeze({
	poll() {
		poll();
		return cardInfo();
	},
	get info() { return cardInfo(); },
	get queue() {
		const [capacity, used, peak, flushesQueued, flushesDone] = queue();
		return Object.freeze({ capacity, used, peak, flushesQueued, flushesDone });
	},
	get root() {
		if (!usable())
			return undefined;
		const generation = info()[6];
		if (!root || root.generation !== generation)
			root = { generation, directory: Object.freeze(new Directory(PRIVATE, "", generation)) };
		return root.directory;
	},
	get fault() { return fault(); },
});

poll();  // the card present at power-on is mounted at import (generation 1)

export default card;
