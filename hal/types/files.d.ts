// ECMA-419 Files (3rd edition §26), module "embedded:storage/files". On Moddable ESP32 it
// runs on littlefs in the "storage" partition. @moddable/typings has no declaration for it;
// this one follows the spec as FACTS.md records it. Paths are relative ("a/b", never "/a",
// "." or ".."); File positions are required on every read and write.
declare module "embedded:storage/files" {
  export type FileMode = "r" | "r+" | "w" | "w+";

  export interface Status {
    readonly size: number;
    readonly mode: number;
    isFile(): boolean;
    isDirectory(): boolean;
    isSymbolicLink(): boolean;
  }

  export interface File {
    /** Reads n bytes (a new ArrayBuffer, shorter at the end of the file) or fills buffer; returns the count read for a buffer. */
    read(n: number, position: number): ArrayBuffer;
    read(buffer: ArrayBuffer | ArrayBufferView, position: number): number;
    /** Writes every byte of buffer at position; returns the count written. */
    write(buffer: ArrayBuffer | ArrayBufferView, position: number): number;
    status(): Status;
    setSize(size: number): void;
    /** Commits written data to storage (littlefs: lfs_file_sync). */
    flush(): void;
    close(): void;
  }

  export interface Directory {
    /** "r" read, "r+" read/write (the file must exist); "w" write, "w+" read/write (created if missing, emptied). */
    openFile(options: { path: string; mode?: FileMode }): File;
    openDirectory(options: { path: string }): Directory;
    /** Removes a file or an empty directory; false if it did not exist. */
    delete(path: string): boolean;
    /** Renames atomically, replacing `to` if it exists (littlefs: lfs_rename). */
    move(from: string, to: string): void;
    /** Throws when nothing is at path. */
    status(path: string): Status;
    /** false if it already existed. */
    createDirectory(path: string): boolean;
    /** Names in this directory (or in path below it). */
    scan(path?: string): IterableIterator<string>;
    [Symbol.iterator](): IterableIterator<string>;
    close(): void;
  }

  const root: Directory;
  export default root;
  /**
   * The project's files module (native/files) says how the volume came up: "mounted",
   * "formatted" (a blank partition), or why not ("unreadable", "read-failed", "format-failed",
   * "no-partition"); it never formats a partition that holds anything.
   */
  export const volume: string;
}
