"""Reads an export of `popfwd archive export` with Python's own mailbox module, independently of
popfwd's code, and prints one JSON line per message: its message id, size and SHA-256, and for a
Maildir its folder and mtime. The tests compare these with the archive.

usage: read_export.py mbox|maildir|eml PATH

mbox: mailbox.mbox finds the messages (its reader splits on From_ lines like mboxo); the mboxrd
unescaping is done here: the `length` bytes after the From_ line, one ">" fewer on every line
matching ^>+From .
"""
import hashlib
import json
import mailbox
import os
import re
import sys

FROM_LINE = re.compile(rb"^From \S+ .+ popfwd:([0-9a-f]{32}):(\d{12})$")
QUOTED_FROM = re.compile(rb"(?m)^>(>*From )")
MAILDIR_NAME = re.compile(r"^\d+\.([0-9a-f]{32})\.popfwd")


def entry(message_id, data, **extra):
    return {
        "id": message_id,
        "size": len(data),
        "sha256": hashlib.sha256(data).hexdigest(),
        **extra,
    }


def read_mbox(path):
    box = mailbox.mbox(path, create=False)
    for key in box.iterkeys():
        raw = box.get_bytes(key, from_=True)
        line, _, body = raw.partition(b"\n")
        match = FROM_LINE.match(line)
        if not match:
            raise SystemExit(f"not a popfwd From_ line: {line[:120]!r}")
        length = int(match.group(2))
        yield entry(match.group(1).decode(), QUOTED_FROM.sub(rb"\1", body[:length]))


def read_maildir(path):
    box = mailbox.Maildir(path, factory=None, create=False)
    for key in box.iterkeys():
        relative = box._lookup(key)
        name = os.path.basename(relative)
        match = MAILDIR_NAME.match(name)
        if not match:
            raise SystemExit(f"not a popfwd Maildir name: {name}")
        stat = os.stat(os.path.join(path, relative))
        yield entry(
            match.group(1),
            box.get_bytes(key),
            folder=os.path.dirname(relative),
            mtime=stat.st_mtime,
        )


def read_eml(path):
    for name in sorted(os.listdir(path)):
        if name.endswith(".eml"):
            with open(os.path.join(path, name), "rb") as handle:
                yield entry(name[: -len(".eml")], handle.read())


READERS = {"mbox": read_mbox, "maildir": read_maildir, "eml": read_eml}

if __name__ == "__main__":
    for found in READERS[sys.argv[1]](sys.argv[2]):
        print(json.dumps(found))
