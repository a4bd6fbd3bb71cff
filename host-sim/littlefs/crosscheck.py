#!/usr/bin/env python3
"""Independent reader/writer of littlefs partition images, for cross-checking the Node binding.

Uses the PyPI package littlefs-python (its own littlefs build, 2.11.x), not this project's code.

  crosscheck.py IMAGE [--block-size 4096] [--read-size 16] [--prog-size 16] ...
      mounts IMAGE read-only (never formats it), walks it and prints JSON:
      {"littlefs": "2.11", "fsStat": {...}, "usedBlocks": n,
       "entries": [{"path", "type": "file"|"dir", "size", "sha256", "base64"?}]}
      exit status 2 (with {"error": ...}) when the image does not mount.

  crosscheck.py IMAGE --make SPEC.json --block-count N [...]
      formats a fresh image of N blocks, writes the files of SPEC
      ({"dirs": ["a", ...], "files": {"a/x.bin": "<base64>", ...}}) and saves it to IMAGE.
"""
import argparse
import base64
import hashlib
import json
import sys

try:
    import littlefs
    from littlefs import LittleFS, UserContext
except ImportError:  # pragma: no cover
    print(json.dumps({"error": "python package littlefs-python is not installed (pip install littlefs-python)"}))
    sys.exit(3)


def geometry(args, block_count):
    return dict(
        block_size=args.block_size,
        block_count=block_count,
        read_size=args.read_size,
        prog_size=args.prog_size,
        cache_size=args.cache_size,
        lookahead_size=args.lookahead_size,
        name_max=args.name_max,
        block_cycles=args.block_cycles,
    )


def read_image(args):
    with open(args.image, "rb") as f:
        data = bytearray(f.read())
    if len(data) % args.block_size:
        raise SystemExit(f"{args.image}: {len(data)} bytes is not a whole number of {args.block_size}-byte blocks")
    ctx = UserContext(buffer=data)
    fs = LittleFS(context=ctx, mount=False, **geometry(args, len(data) // args.block_size))
    try:
        fs.mount()
    except littlefs.LittleFSError as e:
        print(json.dumps({"error": f"mount failed: {e}", "code": getattr(e, "code", None)}))
        sys.exit(2)
    st = fs.fs_stat()
    entries = []

    def walk(d):
        for info in sorted(fs.scandir(d), key=lambda i: i.name):
            path = info.name if d in ("", "/") else f"{d}/{info.name}"
            if info.type == 2:
                entries.append({"path": path, "type": "dir", "size": 0})
                walk(path)
            else:
                with fs.open(path, "rb") as fh:
                    content = fh.read()
                e = {"path": path, "type": "file", "size": info.size, "sha256": hashlib.sha256(content).hexdigest()}
                if len(content) != info.size:
                    e["readSize"] = len(content)
                if len(content) <= args.max_inline:
                    e["base64"] = base64.b64encode(content).decode()
                entries.append(e)

    walk("/")
    out = {
        "littlefs": ".".join(str(x) for x in littlefs.__LFS_VERSION__),
        "fsStat": {
            "diskVersion": st.disk_version,
            "blockSize": st.block_size,
            "blockCount": st.block_count,
            "nameMax": st.name_max,
            "fileMax": st.file_max,
            "attrMax": st.attr_max,
        },
        "usedBlocks": fs.used_block_count,
        "entries": entries,
    }
    fs.unmount()
    print(json.dumps(out))


def make_image(args):
    with open(args.make) as f:
        spec = json.load(f)
    fs = LittleFS(mount=False, **geometry(args, args.block_count))
    fs.format()
    fs.mount()
    for d in spec.get("dirs", []):
        fs.mkdir(d)
    for path, b64 in spec.get("files", {}).items():
        with fs.open(path, "wb") as fh:
            fh.write(base64.b64decode(b64))
    fs.unmount()
    with open(args.image, "wb") as f:
        f.write(fs.context.buffer)
    print(json.dumps({"written": args.image, "bytes": len(fs.context.buffer)}))


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("image")
    p.add_argument("--block-size", type=int, default=4096)
    p.add_argument("--read-size", type=int, default=16)
    p.add_argument("--prog-size", type=int, default=16)
    p.add_argument("--cache-size", type=int, default=512)
    p.add_argument("--lookahead-size", type=int, default=16)
    p.add_argument("--name-max", type=int, default=64)
    p.add_argument("--block-cycles", type=int, default=500)
    p.add_argument("--max-inline", type=int, default=65536, help="largest file whose bytes are printed as base64")
    p.add_argument("--make", metavar="SPEC.json", help="write a fresh image from SPEC instead of reading IMAGE")
    p.add_argument("--block-count", type=int, default=0, help="blocks of the image --make writes")
    args = p.parse_args()
    if args.make:
        if args.block_count <= 0:
            raise SystemExit("--make needs --block-count")
        make_image(args)
    else:
        read_image(args)


if __name__ == "__main__":
    main()
