"""`rnnlab ngram`: the counting baseline, an n-gram model's validation loss on a text's split."""

from __future__ import annotations

import json
import time

from rnnlab.cli.errors import UsageError
from rnnlab.core.analysis.ngram import MAX_ORDER, MIN_ORDER, bits, check_order, fit_corpus, validation_loss
from rnnlab.core.data.corpus import load_corpus

DEFAULT_ORDER = 5  # the best of 1..6 on English-like text of ~1 M chars (tiny-shakespeare)


def add_parser(sub) -> None:
    p = sub.add_parser(
        "ngram", help="validation loss of an n-gram baseline",
        description=("Fit a character n-gram model (interpolated Witten-Bell smoothing) on the "
                     "training part of TEXT (a file or builtin:NAME) and report its loss on the "
                     "validation part, in the same nats/char as `rnnlab train`'s val loss, so you "
                     "can see when the network beats counting. Order n predicts a character "
                     "from the n-1 before it."))
    p.add_argument("text", help="text file or builtin:NAME")
    orders = p.add_mutually_exclusive_group()
    orders.add_argument("--order", type=int,
                        help=f"one order, {MIN_ORDER}-{MAX_ORDER} (default: {DEFAULT_ORDER})")
    orders.add_argument("--orders", metavar="A-B",
                        help=f"a range of orders, e.g. 2-4 (within {MIN_ORDER}-{MAX_ORDER})")
    orders.add_argument("--all", action="store_true",
                        help=f"every order {MIN_ORDER}-{MAX_ORDER}")
    p.add_argument("--encoding", help="text encoding when not UTF-8/UTF-16, e.g. cp1252")
    p.add_argument("--vocab-cap", type=int, default=512, help="most distinct symbols kept")
    p.add_argument("--val-fraction", type=float, default=0.1, help="held-out share of the text")
    p.add_argument("--max-chars", type=int,
                   help="score at most this many validation characters (default: all)")
    p.add_argument("--json", action="store_true", help="print one JSON object per order")
    p.set_defaults(run=run)


def parse_orders(args) -> list[int]:
    if args.all:
        return list(range(MIN_ORDER, MAX_ORDER + 1))
    if args.orders is not None:
        lo, sep, hi = args.orders.partition("-")
        try:
            first, last = (int(lo), int(hi)) if sep else (int(lo), int(lo))
        except ValueError:
            raise UsageError(f"--orders must look like A-B, e.g. 1-6, not {args.orders!r}") from None
        if first > last:
            raise UsageError(f"--orders {args.orders}: the first order is larger than the last")
        return [check_order(o) for o in range(first, last + 1)]  # out of range: NGramError
    return [check_order(DEFAULT_ORDER if args.order is None else args.order)]


def run(args) -> int:
    orders = parse_orders(args)  # before loading: a bad order fails at once
    if args.max_chars is not None and args.max_chars < 1:
        raise UsageError(f"--max-chars must be at least 1, not {args.max_chars}")
    if args.vocab_cap < 2:
        raise UsageError(f"--vocab-cap must be at least 2, not {args.vocab_cap}")
    if not 0 < args.val_fraction <= 0.5:
        raise UsageError(f"--val-fraction must be in (0, 0.5], not {args.val_fraction:g}")
    corpus = load_corpus(args.text, encoding=args.encoding, vocab_cap=args.vocab_cap,
                         val_fraction=args.val_fraction)
    if not args.json:
        print(corpus.summary())
    for order in orders:
        started = time.perf_counter()
        model = fit_corpus(corpus, order)
        fitted = time.perf_counter()
        loss = validation_loss(corpus, order, args.max_chars, model=model)
        scored = time.perf_counter()
        if args.json:
            print(json.dumps({"event": "ngram", "order": order, "val_loss": loss, "val_bpc": bits(loss),
                              "seconds": fitted - started, "eval_seconds": scored - fitted}),
                  flush=True)
        else:
            print(f"order {order}: val {loss:.4f} nats/char ({bits(loss):.3f} bits/char), "
                  f"fit {fitted - started:.2f} s, scored in {scored - fitted:.2f} s", flush=True)
    return 0
