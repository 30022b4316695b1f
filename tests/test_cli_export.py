"""`rnnlab export`: a checkpoint's loss history as CSV and its run report as HTML."""

import csv

from rnnlab.core.analysis.ngram import validation_loss
from rnnlab.core.data.corpus import load_corpus
from rnnlab.core.io.checkpoint import load_checkpoint, save_checkpoint
from rnnlab.core.io.history_csv import HISTORY_COLUMNS
from tests.test_cli import TEXT, run_cli, trained  # noqa: F401 - the CLI tests' fixture and helpers


def test_csv_and_html_from_a_checkpoint(trained, capsys, tmp_path):  # noqa: F811
    path, records = trained
    out_csv, out_html = tmp_path / "loss.csv", tmp_path / "report.html"
    code, out, err = run_cli(capsys, "export", str(path), "--csv", str(out_csv), "--html", str(out_html),
                             "--length", "60", "--prime", "1", "--seed", "3")
    assert code == 0 and err == "" and f"wrote {out_csv}" in out and f"wrote {out_html}" in out
    with open(out_csv, newline="", encoding="utf-8") as f:
        rows = list(csv.DictReader(f))
    assert tuple(rows[0]) == HISTORY_COLUMNS and len(rows) == 30
    steps = [r for r in records if r["event"] == "step"]
    assert [float(r["train_loss"]) for r in rows] == [s["loss"] for s in steps]
    assert [int(r["chars_seen"]) for r in rows] == [s["chars_seen"] for s in steps]
    evals = {r["step"]: r["val_loss"] for r in records if r["event"] == "eval"}
    assert {int(r["step"]): float(r["val_loss"]) for r in rows if r["val_loss"]} == evals
    html = out_html.read_text(encoding="utf-8")
    final = records[-1]["val_loss"]
    baseline = validation_loss(load_corpus(TEXT), 5)
    assert f"{final:.4f}" in html and f"{baseline:.4f}" in html and "seed 3" in html
    assert "Copied from the training text" in html and "No plot in this report" in html


def test_the_report_sample_is_repeatable_and_optional(trained, capsys, tmp_path):  # noqa: F811
    path, _ = trained
    pages = []
    for name in ("a.html", "b.html"):
        run_cli(capsys, "export", str(path), "--html", str(tmp_path / name), "--seed", "9", "--length", "80")
        pages.append((tmp_path / name).read_text(encoding="utf-8").split("<h2>Sample</h2>")[1])
    assert pages[0].split("Made with")[0] == pages[1].split("Made with")[0]
    code, _, _ = run_cli(capsys, "export", str(path), "--html", str(tmp_path / "c.html"), "--length", "0")
    assert code == 0 and "No sample" in (tmp_path / "c.html").read_text(encoding="utf-8")


def test_export_errors_are_one_line(trained, capsys, tmp_path):  # noqa: F811
    path, _ = trained
    cases = [
        ([str(path)], "say what to export"),
        ([str(path), "--csv", str(tmp_path / "no" / "x.csv")], "could not save"),
        ([str(path), "--html", str(tmp_path / "x.html"), "--length", "-1"], "--length must be"),
        ([str(tmp_path / "missing.rnnlab"), "--csv", str(tmp_path / "x.csv")], "does not exist"),
    ]
    for argv, expected in cases:
        code, out, err = run_cli(capsys, "export", *argv)
        assert code == 2 and out == "" and err.startswith("error: ") and expected in err, (argv, err)
        assert len(err.strip().splitlines()) == 1


def test_a_text_that_is_gone_still_gives_a_report(trained, capsys, tmp_path):  # noqa: F811
    path, _ = trained
    tensors, meta = load_checkpoint(path)
    meta["corpus"]["source"] = str(tmp_path / "moved.txt")
    save_checkpoint(tmp_path / "moved.rnnlab", tensors, meta)
    code, _, err = run_cli(capsys, "export", str(tmp_path / "moved.rnnlab"), "--html", str(tmp_path / "r.html"))
    assert code == 0 and "no baseline or memorisation meter" in err
    assert "baseline" not in (tmp_path / "r.html").read_text(encoding="utf-8")
