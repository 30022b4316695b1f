"""`rnnlab ngram`: JSON lines per order, plain output, and one-line errors with exit 2."""

import pytest

from rnnlab.core.analysis.ngram import validation_loss
from rnnlab.core.data.corpus import load_corpus
from tests.test_cli import json_lines, run_cli  # the CLI tests' own helpers


def test_json_one_object_per_order(capsys):
    code, out, err = run_cli(capsys, "ngram", "builtin:hello", "--order", "2", "--json")
    assert code == 0 and err == ""
    (record,) = json_lines(out)
    assert record["event"] == "ngram" and record["order"] == 2
    assert record["val_bpc"] == pytest.approx(record["val_loss"] / 0.6931471805599453)
    assert record["seconds"] >= 0 and record["eval_seconds"] >= 0
    assert record["val_loss"] == pytest.approx(validation_loss(load_corpus("builtin:hello"), 2))


def test_all_orders_and_a_range(capsys, tmp_path):
    path = tmp_path / "t.txt"
    path.write_text("the cat sat on the mat. " * 40 + "a dog sat on the log. " * 5, encoding="utf-8")
    code, out, _ = run_cli(capsys, "ngram", str(path), "--all", "--json")
    records = json_lines(out)
    assert code == 0 and [r["order"] for r in records] == [1, 2, 3, 4, 5, 6]
    assert records[2]["val_loss"] < records[0]["val_loss"]
    code, out, _ = run_cli(capsys, "ngram", str(path), "--orders", "2-3", "--json")
    assert code == 0 and [r["order"] for r in json_lines(out)] == [2, 3]


def test_plain_output_default_order(capsys):
    code, out, _ = run_cli(capsys, "ngram", "builtin:hello")
    lines = out.splitlines()
    assert code == 0 and len(lines) == 2
    assert "train" in lines[0] and lines[1].startswith("order 5: val ")
    assert "nats/char" in lines[1] and "bits/char" in lines[1] and "fit" in lines[1]


@pytest.mark.parametrize("args", [["--order", "7"], ["--order", "0"], ["--orders", "0-3"],
                                  ["--orders", "3-x"], ["--orders", "4-2"], ["--max-chars", "0"]])
def test_bad_order_is_one_error_line_exit_2(capsys, args):
    code, out, err = run_cli(capsys, "ngram", "builtin:hello", *args)
    assert code == 2 and out == ""
    assert err.startswith("error: ") and len(err.splitlines()) == 1
    assert "Traceback" not in err


def test_order_message_names_the_allowed_range(capsys):
    _, _, err = run_cli(capsys, "ngram", "builtin:hello", "--order", "9")
    assert "1 to 6" in err


def test_missing_file_is_a_user_error(capsys, tmp_path):
    code, _, err = run_cli(capsys, "ngram", str(tmp_path / "nope.txt"))
    assert code == 2 and err.startswith("error: ") and len(err.splitlines()) == 1
