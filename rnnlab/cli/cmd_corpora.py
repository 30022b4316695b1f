"""`rnnlab corpora`: the built-in texts (builtin:NAME) and the downloadable ones
(download:NAME), and `--download NAME` to fetch one once, for offline use after."""

from __future__ import annotations

import json
import sys
import time

from rnnlab.cli.progress import JsonReporter, TextReporter
from rnnlab.core.data.builtin_corpora import list_builtins
from rnnlab.core.data.downloads import (
    BASE_URL_ENV,
    DownloadInfo,
    cache_dir,
    cached_path,
    download,
    format_bytes,
    get_download,
    is_cached,
    list_downloads,
)

EXIT_CANCELLED = 130  # Ctrl-C, as for any command


def add_parser(sub) -> None:
    p = sub.add_parser(
        "corpora", help="list the built-in and downloadable texts; download one",
        description="List the texts that work wherever a file path does: built-in ones "
                    "(builtin:NAME, or builtin:NAME,length=N,seed=S for the generated ones) and "
                    "downloadable ones (download:NAME, once downloaded: after that they work "
                    "offline). Ctrl-C cancels a download; nothing half-done is kept.")
    p.add_argument("--download", nargs="+", metavar="NAME",
                   help="download these texts (e.g. tinyshakespeare) into the data folder")
    p.add_argument("--base-url", metavar="URL",
                   help=f"fetch NAME.txt from this address instead (a classroom mirror; "
                        f"default: ${BASE_URL_ENV} or the catalogue's own addresses)")
    p.add_argument("--json", action="store_true", help="print JSON")
    p.set_defaults(run=run)


def run(args) -> int:
    if args.download:
        return _download_all(args)
    if args.json:
        print(json.dumps(_entries(), indent=2))
        return 0
    _print_list()
    return 0


def _entries() -> list[dict]:
    builtins = [{"name": f"builtin:{e.name}", "chars": e.default_length,
                 "description": e.description} for e in list_builtins()]
    downloadable = [{"name": d.spec, "title": d.title, "bytes": d.size,
                     "approx_bytes": d.size or d.approx_size, "description": d.description,
                     "url": d.url, "cached": is_cached(d),
                     "path": str(cached_path(d)) if is_cached(d) else None}
                    for d in list_downloads()]
    return builtins + downloadable


def _print_list() -> None:
    builtins, downloadable = list_builtins(), list_downloads()
    width = max(len("builtin:" + e.name) for e in builtins)
    width = max(width, *(len(d.spec) for d in downloadable))
    print("Built-in texts:")
    for e in builtins:
        print(f"  {'builtin:' + e.name:<{width}}  {e.default_length:>10,} chars  {e.description}")
    print("\nDownloadable texts (rnnlab corpora --download NAME; then offline):")
    for d in downloadable:
        state = "downloaded" if is_cached(d) else "not yet"
        print(f"  {d.spec:<{width}}  {d.size_label:>12}  {state:<10}  {d.title} — {d.description}")
    print(f"\nDownloaded texts are kept in {cache_dir()}")


def _download_all(args) -> int:
    infos = [get_download(name) for name in args.download]  # an unknown name fails first
    reporter = JsonReporter() if args.json else TextReporter()
    try:
        for info in infos:
            _download_one(info, args.base_url, reporter)
    except KeyboardInterrupt:
        reporter.close()
        print("cancelled: nothing half-downloaded was kept", file=sys.stderr)
        return EXIT_CANCELLED
    finally:
        reporter.close()
    return 0


def _download_one(info: DownloadInfo, base_url: str | None, reporter) -> None:
    path = cached_path(info)
    if is_cached(info):
        _done(reporter, info, path, "already downloaded")
        return
    if isinstance(reporter, TextReporter):
        reporter.message(f"downloading {info.title} ({info.size_label}) into {path.parent}")
    started = time.monotonic()

    def on_progress(done: int, total: int | None) -> None:
        if isinstance(reporter, TextReporter) and reporter.due():
            reporter.draw(info.name, done / total if total else None,
                          _progress_stats(done, total, time.monotonic() - started))

    download(info, progress=on_progress, base_url=base_url)
    _done(reporter, info, path, "downloaded")


def _progress_stats(done: int, total: int | None, elapsed: float) -> str:
    speed = f" | {format_bytes(int(done / elapsed))}/s" if elapsed > 0 and done else ""
    return f"{format_bytes(done)}{f' of {format_bytes(total)}' if total else ''}{speed}"


def _done(reporter, info: DownloadInfo, path, what: str) -> None:
    size = path.stat().st_size
    if isinstance(reporter, JsonReporter):
        reporter.emit({"event": "downloaded", "name": info.spec, "path": str(path), "bytes": size,
                       "already": what != "downloaded"})
    else:
        reporter.message(f"{info.title}: {what} ({size:,} bytes, {path}); use it as {info.spec}")
