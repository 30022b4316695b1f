"""Make the shipped default text, rnnlab/resources/texts/python-stdlib.txt.xz: source files of
this Python's standard library, chosen by a fixed rule, with a "# file: PATH" line before
each. Also copies Python's licence beside it and writes texts/README.txt saying where the
text came from.

Run once per change of the rule or of the Python it comes from (the text changes, and with it
every fingerprint of a run on builtin:python): python assets/make_python_corpus.py
The shipped file was made with CPython 3.11.7.
"""

from __future__ import annotations

import argparse
import hashlib
import lzma
import os
import platform
import shutil
import sysconfig
from pathlib import Path

OUT = Path(__file__).resolve().parents[1] / "rnnlab" / "resources" / "texts"
TEXT_NAME = "python-stdlib.txt.xz"  # the name rnnlab.resources.PYTHON_TEXT reads
LICENCE_NAME = "PYTHON-LICENSE.txt"
TARGET_CHARS = 2_000_000  # builtin:python's default length; the last file is kept whole
# Standard-library folders that are tests, vendored tools or data tables, not typical code.
SKIP_DIRS = {"test", "tests", "idle_test", "site-packages", "dist-packages", "idlelib", "lib2to3",
             "encodings", "pydoc_data", "ensurepip", "turtledemo", "__pycache__"}
MAX_FILE = 150_000  # skip bigger files (mostly data tables) so the selection stays varied


def stdlib_root() -> Path:
    root = Path(sysconfig.get_paths()["stdlib"])
    return root if (root / "os.py").is_file() else Path(os.__file__).parent


def stdlib_files(root: Path) -> list[Path]:
    """.py files under root, sorted by path (packages interleave with modules), skipping
    tests, bundled tools, data tables and machine-specific files."""
    found = []
    for folder, dirs, names in os.walk(root):
        dirs[:] = [d for d in dirs if d not in SKIP_DIRS and not d.startswith((".", "config-"))]
        found += [Path(folder, name) for name in names
                  if name.endswith(".py") and not name.startswith("_sysconfigdata")]
    return sorted(found, key=lambda p: p.relative_to(root).parts)


def select(root: Path, target: int) -> list[tuple[str, str]]:
    """(relative path, source) of whole files, in order, until `target` characters."""
    chosen, n = [], 0
    for path in stdlib_files(root):
        if n >= target:
            break
        try:
            if path.stat().st_size > MAX_FILE:
                continue
            source = path.read_bytes().decode("utf-8")
        except (OSError, UnicodeDecodeError):
            continue
        chosen.append((path.relative_to(root).as_posix(), source))
        n += len(chosen[-1][0]) + len(source) + 10  # the header line and the blank line after
    return chosen


def readme(files: list[tuple[str, str]], text: str) -> str:
    digest = hashlib.sha256(text.encode("utf-8")).hexdigest()
    return (
        f"{TEXT_NAME}: the text of builtin:python, rnnlab's default corpus.\n\n"
        f"Source files of the standard library of {platform.python_implementation()} "
        f"{platform.python_version()} (https://www.python.org, https://github.com/python/cpython),\n"
        "unchanged, each after a line '# file: PATH'. The files are taken in path order, skipping tests,\n"
        f"bundled tools and files over {MAX_FILE:,} bytes, until {TARGET_CHARS:,} characters:\n"
        f"{len(files)} files, {len(text):,} characters, UTF-8, xz-compressed.\n"
        f"SHA-256 of the text: {digest}\n"
        f"First file: {files[0][0]}; last: {files[-1][0]}.\n\n"
        "The Python standard library is copyright the Python Software Foundation and others and is\n"
        f"distributed under the PSF License Agreement: see {LICENCE_NAME} (Python's own LICENSE file).\n"
        "Rebuild with: python assets/make_python_corpus.py\n")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--out", type=Path, default=OUT, help="folder to write into")
    args = parser.parse_args()
    root = stdlib_root()
    files = select(root, TARGET_CHARS)
    text = "".join(f"# file: {name}\n{source}\n" for name, source in files)
    args.out.mkdir(parents=True, exist_ok=True)
    packed = lzma.compress(text.encode("utf-8"), preset=9 | lzma.PRESET_EXTREME)
    (args.out / TEXT_NAME).write_bytes(packed)
    shutil.copyfile(root / "LICENSE.txt", args.out / LICENCE_NAME)
    (args.out / "README.txt").write_text(readme(files, text), encoding="utf-8")
    print(f"{len(files)} files, {len(text):,} characters -> {args.out / TEXT_NAME} ({len(packed):,} bytes)")


if __name__ == "__main__":
    main()
