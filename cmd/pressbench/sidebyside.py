#!/usr/bin/python3
"""Index and query pressbench's documents with SQLite FTS5 and Xapian.

    go run ./cmd/pressbench -docs 100000 -dump /tmp/corpus ...
    /usr/bin/python3 cmd/pressbench/sidebyside.py /tmp/corpus

pressbench -dump writes the documents it synthesized (docs.jsonl) and its
queries (queries.txt); this script builds an FTS5 table and a Xapian
database from them in a temporary folder and runs the same two-word OR
queries one at a time, top 10 by BM25, printing what pressbench prints:
documents/s, MB/s, bytes per document, latency percentiles, queries/s.
Both are set up as plainly as plain Bleve is: Unicode words, lower case, no
stemming; FTS5 keeps combining marks in words (Indic vowel signs), as
Xapian does. Needs python3 with sqlite3 (FTS5) and, for Xapian,
python3-xapian (Debian). Single-threaded, as the in-process runs are.
"""
import json
import os
import shutil
import sqlite3
import sys
import tempfile
import time


def percentile(xs, p):
    xs = sorted(xs)
    return xs[int((len(xs) - 1) * p)] if xs else 0.0


def dir_size(path):
    if os.path.isfile(path):
        return os.path.getsize(path)
    total = 0
    for root, _, files in os.walk(path):
        for f in files:
            total += os.path.getsize(os.path.join(root, f))
    return total


def report(name, n, raw, build, size, lat, qtime):
    def ms(s):
        return "%.3fms" % (s * 1000)
    print("%-32s %10.0f %8.2f %10.0f %9s %9s %9s %9.0f" % (
        name, n / build, raw / 1e6 / build, size / n,
        ms(percentile(lat, .5)), ms(percentile(lat, .95)), ms(percentile(lat, .99)),
        len(lat) / qtime if qtime else 0))


def fts5(docs, queries, tmp, raw):
    path = os.path.join(tmp, "fts5.db")
    db = sqlite3.connect(path)
    db.execute("PRAGMA journal_mode=OFF")
    db.execute("PRAGMA synchronous=OFF")
    db.execute("CREATE VIRTUAL TABLE d USING fts5(title, body, "
               "tokenize = \"unicode61 remove_diacritics 0 categories 'L* N* M* Co'\")")
    start = time.perf_counter()
    with db:
        db.executemany("INSERT INTO d(rowid, title, body) VALUES (?, ?, ?)",
                       ((i + 1, d["title"], d["body"]) for i, d in enumerate(docs)))
    db.execute("INSERT INTO d(d) VALUES ('optimize')")
    db.commit()
    build = time.perf_counter() - start
    size = dir_size(path)
    lat = []
    qstart = time.perf_counter()
    for q in queries:
        words = ['"' + w.replace('"', '""') + '"' for w in q.split()]
        if not words:
            continue
        t = time.perf_counter()
        db.execute("SELECT rowid FROM d WHERE d MATCH ? ORDER BY rank LIMIT 10",
                   (" OR ".join(words),)).fetchall()
        lat.append(time.perf_counter() - t)
    qtime = time.perf_counter() - qstart
    db.close()
    report("SQLite FTS5 " + sqlite3.sqlite_version, len(docs), raw, build, size, lat, qtime)


def xapian_run(docs, queries, tmp, raw):
    try:
        import xapian
    except ImportError:
        print("Xapian: python3-xapian is not installed (apt-get install python3-xapian)")
        return
    path = os.path.join(tmp, "xapian")
    db = xapian.WritableDatabase(path, xapian.DB_CREATE_OR_OVERWRITE)
    tg = xapian.TermGenerator()
    start = time.perf_counter()
    for d in docs:
        doc = xapian.Document()
        tg.set_document(doc)
        tg.index_text(d["title"])
        tg.increase_termpos()
        tg.index_text(d["body"])
        doc.set_data(d["id"])
        db.add_document(doc)
    db.commit()
    db.close()
    build = time.perf_counter() - start
    size = dir_size(path)
    db = xapian.Database(path)
    qp = xapian.QueryParser()
    qp.set_database(db)
    qp.set_default_op(xapian.Query.OP_OR)
    enquire = xapian.Enquire(db)
    lat = []
    qstart = time.perf_counter()
    for q in queries:
        t = time.perf_counter()
        enquire.set_query(qp.parse_query(q, 0))
        enquire.get_mset(0, 10)
        lat.append(time.perf_counter() - t)
    qtime = time.perf_counter() - qstart
    report("Xapian " + xapian.version_string(), len(docs), raw, build, size, lat, qtime)


def main():
    if len(sys.argv) != 2:
        sys.exit("usage: sidebyside.py DIR  (DIR from pressbench -dump)")
    src = sys.argv[1]
    with open(os.path.join(src, "docs.jsonl"), encoding="utf-8") as f:
        docs = [json.loads(line) for line in f]
    with open(os.path.join(src, "queries.txt"), encoding="utf-8") as f:
        queries = [line.rstrip("\n") for line in f]
    raw = sum(len(d["title"].encode()) + len(d["body"].encode()) for d in docs)
    print("%d documents, %.1f MB of text, %d queries" % (len(docs), raw / 1e6, len(queries)))
    print("%-32s %10s %8s %10s %9s %9s %9s %9s" % ("", "docs/s", "MB/s", "bytes/doc", "p50", "p95", "p99", "q/s"))
    tmp = tempfile.mkdtemp(prefix="sidebyside")
    try:
        fts5(docs, queries, tmp, raw)
        xapian_run(docs, queries, tmp, raw)
    finally:
        shutil.rmtree(tmp)


if __name__ == "__main__":
    main()
