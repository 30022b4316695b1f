"""Load a big text file and report wall time and peak memory (run by hand).

    python benchmarks/bench_load.py --mb 100            # tiny-shakespeare repeated
    python benchmarks/bench_load.py --mb 100 --unicode  # accents, CJK (> 512 distinct), emoji

The file is written to a temporary folder (deleted afterwards) and loaded in a fresh
subprocess, so the peak RSS measured is that of loading alone. Exits 1 if the peak is
above --limit-gb (default 1.5).
"""

from __future__ import annotations

import argparse
import json
import random
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
SHAKESPEARE = REPO.parent / "shared" / "data" / "tinyshakespeare.txt"
ACCENTS = str.maketrans("aeiouncAEIOU", "áéîöùñçÀÉÎÖÙ")

CHILD = """
import json, sys, time
from rnnlab.core.data.corpus import load_corpus
t = time.perf_counter()
c = load_corpus(sys.argv[1])
print(json.dumps({"load_s": time.perf_counter() - t, "summary": c.summary(),
                  "dtype": str(c.data.dtype), "warnings": c.warnings}))
"""


def base_text() -> str:
    """About 1 MB of English text: tiny-shakespeare, or generated words if it is missing."""
    if SHAKESPEARE.is_file():
        return SHAKESPEARE.read_text(encoding="utf-8")
    rng = random.Random(0)
    words = "the of and to in that it was he for on are with as his they at be this".split()
    lines = (" ".join(rng.choices(words, k=rng.randint(4, 12))) for _ in range(20_000))
    return "\n".join(lines) + "\n"


def unicode_text(base: str) -> str:
    """Mix lines: as they are, with accents, or CJK (3,000 distinct) with an emoji now and then."""
    rng = random.Random(0)
    out = []
    for line in base.splitlines(keepends=True):
        r = rng.random()
        if r < 0.3:
            line = line.translate(ACCENTS)
        elif r < 0.5:
            cjk = "".join(chr(0x4E00 + int(rng.paretovariate(0.8)) % 3000) for _ in range(len(line) // 2))
            line = cjk + rng.choice(["", "", "😀", "🎉"]) + "\n"
        out.append(line)
    return "".join(out)


def write_file(path: Path, mb: float, unicode: bool) -> int:
    """Write the text block repeatedly until `mb` megabytes; returns the size in bytes."""
    block = base_text()
    block = (unicode_text(block) if unicode else block).encode("utf-8")
    target = int(mb * 1_000_000)
    with open(path, "wb") as f:
        written = 0
        while written < target:
            end = min(len(block), target - written)
            while end < len(block) and 0x80 <= block[end] < 0xC0:  # cut between characters
                end -= 1
            chunk = block[:end]
            f.write(chunk)
            written += len(chunk)
    return written


def main() -> int:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--mb", type=float, default=100.0, help="file size in megabytes (default 100)")
    p.add_argument("--unicode", action="store_true", help="mix accented, CJK and emoji text")
    p.add_argument("--limit-gb", type=float, default=1.5, help="peak RSS limit (default 1.5 GB)")
    args = p.parse_args()
    with tempfile.TemporaryDirectory(prefix="rnnlab-bench-") as tmp:
        path = Path(tmp) / ("unicode.txt" if args.unicode else "ascii.txt")
        size = write_file(path, args.mb, args.unicode)
        start = time.perf_counter()
        proc = subprocess.run([sys.executable, "-c", CHILD, str(path)], cwd=REPO,
                              capture_output=True, text=True)
        wall = time.perf_counter() - start
    if proc.returncode != 0:
        print(proc.stderr, file=sys.stderr)
        return 2
    result = json.loads(proc.stdout)
    peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss * 1024  # Linux reports KiB
    kind = "unicode" if args.unicode else "ascii"
    print(f"{kind} {size / 1e6:.0f} MB: load {result['load_s']:.2f} s (subprocess wall {wall:.2f} s), "
          f"peak RSS {peak / 1e9:.2f} GB, dtype {result['dtype']}")
    print(f"  {result['summary']}")
    for w in result["warnings"]:
        print(f"  warning: {w}")
    if peak > args.limit_gb * 1e9:
        print(f"FAIL: peak RSS above {args.limit_gb} GB")
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
