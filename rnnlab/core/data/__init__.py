"""Texts in: files and their encodings, corpora and vocabularies, built-in and downloadable
texts, training batches."""
