#!/usr/bin/env python3
"""Turn one 'git format-patch' file of the series into a Debian patch with a
DEP-3 header (https://dep-team.pages.debian.net/deps/dep3/): Description
(the subject, then the body that says why), Author, Origin, Forwarded,
Last-Update; then the diff itself, unchanged.

usage: dep3.py PATCH NAME DATE > debian/patches/notify-vmexit/NAME
"""
import email.header
import email.utils
import re
import sys


def main():
    path, name, date = sys.argv[1:4]
    text = open(path, encoding="utf-8").read()
    head, sep, rest = text.partition("\n\n")
    if not sep or "\n---\n" not in rest or "\ndiff --git " not in rest:
        sys.exit(f"dep3: error: {path} is not a 'git format-patch' patch")
    headers = {}
    key = None
    for line in head.splitlines():
        if line[:1] in (" ", "\t") and key:
            headers[key] += " " + line.strip()
        elif ":" in line and not line.startswith("From "):
            key, value = line.split(":", 1)
            key = key.lower()
            headers[key] = value.strip()
    subject = str(email.header.make_header(email.header.decode_header(headers["subject"])))
    subject = re.sub(r"^\[PATCH[^\]]*\]\s*", "", subject)
    author = str(email.header.make_header(email.header.decode_header(headers["from"])))
    body, _, diff = rest.partition("\n---\n")
    desc = [l for l in body.splitlines() if not l.startswith("Signed-off-by:")]
    while desc and not desc[-1].strip():
        desc.pop()
    out = [f"Description: {subject}"]
    out += [" ." if not l.strip() else " " + l for l in desc]
    out += [f"Author: {author}",
            f"Origin: vendor, notify VM exit series, {name}",
            "Forwarded: no",
            f"Last-Update: {date}",
            "---"]
    sys.stdout.write("\n".join(out) + "\n" + diff)


if __name__ == "__main__":
    main()
