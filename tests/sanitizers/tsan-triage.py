#!/usr/bin/env python3
"""Sorts ThreadSanitizer reports (the files TSAN_OPTIONS=log_path=DIR/log writes) into those
where a racing access is in Meridian's own code and those that lie wholly inside gRPC.

Debian's gRPC is built without ThreadSanitizer: it hands calls between its threads through
completion queues synchronised inside the uninstrumented library, so the parts of its C++ API
that are compiled into our binaries (grpcpp headers, and the standard-library templates they
instantiate) are reported racing on gRPC's own objects. A report counts as Meridian's when the
first frame of either access that is not the standard library's (a container or std::function
inlined into the caller) is in core/, app/, ui/ or tests/: the race would be ours to fix. Every
such report is printed whole. Usage: tsan-triage.py DIR"""

import collections
import pathlib
import re
import sys

OURS = re.compile(r"\.\./(core|app|ui|tests)/")
STANDARD = re.compile(r"/usr/include/c\+\+/|libstdc\+\+|libsanitizer|tsan_")


def reports(text):
    for block in text.split("==================\n"):
        if "WARNING: ThreadSanitizer:" in block:
            yield block


def access_tops(block):
    """For each access stack (after 'Read of'/'Write of'/'Previous …'), its first frame outside
    the standard library and the sanitizer runtime."""
    tops = []
    lines = block.splitlines()
    for i, line in enumerate(lines):
        if not re.match(r"\s+(Previous )?(atomic )?(read|write|Read|Write|Atomic)", line):
            continue
        frames = []
        for next_line in lines[i + 1:]:
            if not re.match(r"\s+#\d+ ", next_line):
                break
            frames.append(next_line)
        chosen = next((f for f in frames if not STANDARD.search(f)), frames[0] if frames else "")
        tops.append(chosen)
    return tops


def main():
    directory = pathlib.Path(sys.argv[1])
    kinds = collections.Counter()
    ours = []
    total = 0
    for path in sorted(directory.glob("log.*")):
        for block in reports(path.read_text(errors="replace")):
            total += 1
            kind = re.search(r"WARNING: ThreadSanitizer: ([^(]+)", block).group(1).strip()
            tops = access_tops(block)
            if kind != "data race" or any(OURS.search(t) for t in tops):
                ours.append((path.name, block))
            else:
                kinds[kind] += 1
    print(f"{total} reports in {directory}: {len(ours)} with an access in Meridian's code "
          f"(or not a data race), {total - len(ours)} inside gRPC's inlined API")
    for name, block in ours:
        print(f"---- {name}\n{block}")
    return 1 if ours else 0


if __name__ == "__main__":
    sys.exit(main())
