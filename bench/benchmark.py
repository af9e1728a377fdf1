"""Throughput and peak memory of the cleaner against the tools a user would otherwise pick.

    python bench/benchmark.py --corpus ../shared/corpus [--size_mb 40] [--out bench/results.json]
    python bench/benchmark.py --corpus ../shared/corpus --size_mb 30 --profile   # where the core's time goes

Builds an input of SIZE MB of real scraped articles (the corpus' JSONL files, repeated with
new ids until the size is reached, in 8 files), then measures, each in its own process:

  core              the cleaning core alone (pipeline.core.clean.Cleaner), one process
  pipeline          `python -m pipeline run` end to end on Beam's in-process engine (FnApiRunner)
  pipeline_2proc    the same with --direct_num_workers=2 --direct_running_mode=multi_processing
  ftfy              ftfy.fix_text alone (default settings) over the same documents
  datatrove         datatrove: JsonlReader, FTFYFormatter (our ftfy settings), the same rules
                    applied in order with regex, JsonlWriter; one task, one worker
  pipeline_4x       `pipeline` again on 4x the input, for memory growth

With --profile it only runs the core under cProfile on the same input and prints the time
spent in each step of the cleaning (cumulative, so nested rows are part of their parent).

With --sites N it only measures what a growing rule set costs, in one process, rounds interleaved, on every
distinct scraped article once (the one-file input of --workers, about 36 MB of text):

    python bench/benchmark.py --corpus ../shared/corpus --sites 1000 [--out bench/sites.json]

  ftfy_loop            ftfy.fix_text over the texts
  core_bundled         the cleaning core with the bundled rules
  core_with_sites      the same plus N generated site files: copies of the bundled rules/99-site-*.toml, each
                       scoped to made-up hosts (site0.example, ...) that no article has, rule names made unique

and checks that both cores cleaned every article alike (the extra sites must change nothing).

With --language BASE it only measures what language identification costs, on the same one-file input:

    python bench/benchmark.py --corpus ../shared/corpus --language 6c72a28 [--out bench/language.json]

  identify_py3langid, identify_fast
                       ``classify`` over what the language step reads of each article (headline and start) by
                       py3langid's own identifier (tests/reference.py) and by pipeline.core.language's; the same
                       answers are checked
  ftfy_loop, core_with_language, core_with_py3langid, core_without_language
                       ftfy.fix_text, and the cleaning core with its language step, with that step asking
                       py3langid's own identifier instead, and without the step (pipeline.core.steps minus
                       IdentifyLanguage); all three must clean alike
                       (these six in this process, rounds interleaved, best of three)
  job, job_at_base, ftfy_alone
                       `python -m pipeline run` at this checkout and at BASE (a commit before a change, extracted
                       with git archive), and ftfy.fix_text alone over the same texts (the `ftfy` child, start-up
                       and reading included), each a process, in turn, twice each; the two jobs' clean texts (and
                       their metadata, language included) are compared

With --workers it only compares one and two worker processes on ONE file (what splittable reading is for):

    python bench/benchmark.py --corpus ../shared/corpus --workers [--out bench/workers.json]

  workers_1x_1, workers_1x_2   `python -m pipeline run` on one JSONL file holding every distinct scraped article
                               once (about 36 MB of text), --direct_running_mode=multi_processing with
                               --direct_num_workers=1, then 2
  workers_4x_1, workers_4x_2   the same on one file of 4x that (new ids)
  gzip_1x_2, gzip_1x_2_reshuffle
                               the 1x file gzipped (one worker reads it whole), two workers, without and with
                               --reshuffle_records

  dask_1x_1, dask_1x_2         the 1x file with --runner=DaskRunner on a distributed.LocalCluster of 1, then 2
                               worker processes (one thread each) that the benchmark starts and stops; their
                               records must equal workers_1x_1's. CPU s and peak MB are the launcher's only (the
                               workers are the benchmark's children, not the launcher's). Needs the dask extra.

With --dask_only, --workers measures only workers_1x_1 and the dask rows (bench/workers-dask.json:
``--workers --dask_only --out bench/workers-dask.json``).

and checks that each pair wrote the same clean, rejected and per-file records. It prints the load average
(/proc/loadavg) before and after: on a shared machine the ratio means little without it.

MB/s counts the UTF-8 bytes of the articles' text per wall-clock second of the whole process,
start-up included (what a user waits for); core and ftfy also report their loop alone. Peak
memory is the largest total resident memory of the process and all its children, sampled
every 50 ms from /proc (Linux only).
"""

from __future__ import annotations

import argparse
import contextlib
import gzip
import json
import os
import platform
import resource
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from pathlib import Path

SOURCES = ["allsides_abp", "rss_pull_2026", "fakenewsnet_v1", "fakenewscorpus_sample"]
PARTS = 8
ROOT = Path(__file__).resolve().parent.parent


def build_input(corpus: Path, size_mb: float, folder: Path) -> tuple[int, int]:
    """Write SIZE MB of article text as JSONL parts; return (documents, text bytes)."""
    records = [json.loads(line) for source in SOURCES
               for line in (corpus / source / "articles.jsonl").read_text(encoding="utf-8").splitlines()]
    folder.mkdir(parents=True, exist_ok=True)
    outs = [(folder / f"part-{i}.jsonl").open("w", encoding="utf-8") for i in range(PARTS)]
    documents = text_bytes = 0
    repeat = 0
    while text_bytes < size_mb * 1e6:
        for record in records:
            record = {**record, "id": f"{record['id']}#{repeat}"}
            outs[documents % PARTS].write(json.dumps(record, ensure_ascii=False) + "\n")
            documents += 1
            text_bytes += len(record["text"].encode("utf-8"))
            if text_bytes >= size_mb * 1e6:
                break
        repeat += 1
    for out in outs:
        out.close()
    return documents, text_bytes


def build_single_file(corpus: Path, copies: int, path: Path) -> tuple[int, int]:
    """Every distinct article of the scraped corpora (by text) in one JSONL file, ``copies`` times with new ids;
    return (documents, text bytes)."""
    seen: set[str] = set()
    distinct = []
    for source in SOURCES:
        for line in (corpus / source / "articles.jsonl").read_text(encoding="utf-8").splitlines():
            record = json.loads(line)
            if record["text"] not in seen:
                seen.add(record["text"])
                distinct.append(record)
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", encoding="utf-8") as out:
        for copy in range(copies):
            for record in distinct:
                out.write(json.dumps({**record, "id": f"{record['id']}#{copy}"}, ensure_ascii=False) + "\n")
    return len(distinct) * copies, copies * sum(len(record["text"].encode("utf-8")) for record in distinct)


def site_rule_files(root: Path, count: int, folder: Path) -> list[Path]:
    """``count`` rule files cloned from the bundled site files, each scoped to hosts of its own; their paths."""
    import re
    templates = sorted((root / "rules").glob("99-site-*.toml"))
    folder.mkdir(parents=True, exist_ok=True)
    paths = []
    for number in range(count):
        template = templates[number % len(templates)].read_text(encoding="utf-8")
        clone = re.sub(r'(?m)^scope = \{ sites = \[[^\]]*\] \}$',
                       f'scope = {{ sites = ["site{number}.example", "www.site{number}.example"] }}', template)
        clone = re.sub(r'(?m)^name = "([^"]+)"$', rf'name = "\1-{number}"', clone)
        path = folder / f"99-site-generated-{number:04d}.toml"
        path.write_text(clone, encoding="utf-8")
        paths.append(path)
    return paths


def compare_sites(corpus: Path, count: int, work: Path, out: Path, rounds: int = 3) -> None:
    """The core with the bundled rules, and with ``count`` more site files, against ftfy's loop (--sites)."""
    from pipeline.core.clean import Cleaner
    from pipeline.core.rules import parse_rules
    single = work / "sites-input" / "articles.jsonl"
    documents, text_bytes = build_single_file(corpus, 1, single)
    records = _texts(single.parent)
    bundled = sorted((ROOT / "rules").glob("*.toml"))
    start = time.perf_counter()
    generated = site_rule_files(ROOT, count, work / "site-rules")
    rules = parse_rules((str(path), path.read_bytes()) for path in [*bundled, *generated])
    with_sites = Cleaner(rules)
    load_seconds = time.perf_counter() - start
    cleaners = {"core_bundled": bundled_cleaner(), "core_with_sites": with_sites}
    articles = _articles(records)
    outputs: dict[str, list] = {}
    loops = {"ftfy_loop": _ftfy_loop(records),
             **{name: _core_loop(cleaner, articles, outputs, name) for name, cleaner in cleaners.items()}}
    load_before = Path("/proc/loadavg").read_text().split()[:3]
    times = _interleaved(loops, rounds)
    best = {name: min(values) for name, values in times.items()}
    report = {
        "input": {"documents": documents, "text_mb": round(text_bytes / 1e6, 1)},
        "site_files": count, "rules_with_sites": len(rules),
        "load_seconds_with_sites": round(load_seconds, 2),
        "load_average_before_after": [load_before, Path("/proc/loadavg").read_text().split()[:3]],
        "seconds": {name: [round(value, 2) for value in values] for name, values in times.items()},
        "core_bundled_vs_ftfy": round(best["ftfy_loop"] / best["core_bundled"], 2),
        "core_with_sites_vs_ftfy": round(best["ftfy_loop"] / best["core_with_sites"], 2),
        "with_sites_over_bundled": round(best["core_with_sites"] / best["core_bundled"], 3),
        "same_output": outputs["core_bundled"] == outputs["core_with_sites"],
    }
    out.write_text(json.dumps(report, indent=2) + "\n")
    print(json.dumps(report, indent=2))


def _articles(records: list[dict]) -> list:
    from pipeline.core.records import Article
    return [Article(id=r["id"], text=r["text"], source="bench", url=r.get("url"), title=r.get("title")) for r in records]


def _core_loop(cleaner, articles: list, outputs: dict[str, list], name: str):
    """``Cleaner.clean`` over the articles; what each gave (title and text, or the rejection's reason) into
    ``outputs[name]``, to check that two cores cleaned alike."""
    from pipeline.core.records import Rejected

    def loop():
        cleaned = []
        for article in articles:
            try:
                result = cleaner.clean(article)
                cleaned.append((result.title, result.text))
            except Rejected as rejected:
                cleaned.append((rejected.reason, ""))
        outputs[name] = cleaned
    return loop


def _ftfy_loop(records: list[dict]):
    import ftfy

    def loop():
        for record in records:
            ftfy.fix_text(record["text"])
    return loop


def _interleaved(loops: dict, rounds: int) -> dict[str, list[float]]:
    """Seconds of each loop in each round, the loops taking turns within a round (the machine's drift then
    falls on all of them alike)."""
    times: dict[str, list[float]] = {name: [] for name in loops}
    for _ in range(rounds):
        for name, loop in loops.items():
            began = time.perf_counter()
            loop()
            times[name].append(time.perf_counter() - began)
    return times


def compare_language(corpus: Path, work: Path, out: Path, base: str, rounds: int = 3, job_rounds: int = 2) -> None:
    """What language identification costs (--language): identification alone (py3langid's own identifier and
    pipeline.core.language's), the core with and without its step and ftfy's loop, interleaved in this process; then
    the job at this checkout and at ``base`` (extracted with git archive) and ftfy alone, each a process, in turn."""
    from unittest import mock

    from pipeline.core import language
    from pipeline.core.clean import Cleaner
    from pipeline.core.language import IDENTIFIED_CHARS, identifier
    from pipeline.core.steps import STEPS
    from pipeline.core.steps.language import IdentifyLanguage
    sys.path.insert(0, str(ROOT))   # the checkout's tests package: py3langid's own identifier, the reference
    from tests.reference import reference_identifier
    single = work / "language-input" / "articles.jsonl"
    documents, text_bytes = build_single_file(corpus, 1, single)
    records = _texts(single.parent)
    with_language = bundled_cleaner()
    without = Cleaner(bundled_rules(), steps=tuple(step for step in STEPS if step is not IdentifyLanguage))
    articles = _articles(records)
    # What the step reads, from the raw texts (the step reads the cleaned ones: nearly the same starts).
    starts = [(f"{r['title']}\n{r['text']}" if r.get("title") else r["text"])[:IDENTIFIED_CHARS] for r in records]
    outputs: dict[str, list] = {}

    def identification(model) -> Callable[[], None]:
        def loop() -> None:
            outputs[f"identify_{id(model)}"] = [model.classify(text) for text in starts]
        return loop
    reference, fast = reference_identifier(), identifier()
    core_with_py3langid = _core_loop(with_language, articles, outputs, "core_with_py3langid")

    def with_py3langid() -> None:
        # The same core, its language step asking py3langid's own identifier: the core before the fast path.
        with mock.patch.object(language, "identifier", lambda: reference):
            core_with_py3langid()
    loops = {"ftfy_loop": _ftfy_loop(records),
             "core_with_language": _core_loop(with_language, articles, outputs, "core_with_language"),
             "core_with_py3langid": with_py3langid,
             "core_without_language": _core_loop(without, articles, outputs, "core_without_language"),
             "identify_py3langid": identification(reference), "identify_fast": identification(fast)}
    checkout = work / "base-checkout"
    shutil.rmtree(checkout, ignore_errors=True)
    checkout.mkdir(parents=True)
    archive = subprocess.run(["git", "archive", base], cwd=ROOT, capture_output=True, check=True).stdout
    subprocess.run(["tar", "-x", "-C", str(checkout)], input=archive, check=True)
    # `python -m pipeline` imports the package of the folder it runs in: the base checkout's, or this one's.
    run = [sys.executable, "-m", "pipeline", "run", "--runner=FnApiRunner", "--overwrite", "--input", str(single)]
    processes = {"job": [*run, "--output", str(work / "job")],
                 "job_at_base": [*run, "--output", str(work / "job_at_base")],
                 "ftfy_alone": [sys.executable, str(Path(__file__).resolve()), "--child", "ftfy",
                                "--input", str(single.parent), "--work", str(work)]}
    folders = {"job": ROOT, "job_at_base": checkout, "ftfy_alone": ROOT}
    load_before = Path("/proc/loadavg").read_text().split()[:3]
    times = _interleaved(loops, rounds)
    runs: dict[str, list[dict]] = {name: [] for name in processes}
    for _ in range(job_rounds):
        for name, command in processes.items():
            runs[name].append(measure(command, cwd=folders[name]))
    best = {name: min(values) for name, values in times.items()}
    wall = {name: min(r["wall_seconds"] for r in values) for name, values in runs.items()}
    clean = {name: sorted((r["id"], r["title"], r["text"], json.dumps(r["metadata"], sort_keys=True))
                          for shard in (work / name).glob("clean-*.jsonl")
                          for r in map(json.loads, shard.read_text(encoding="utf-8").splitlines()))
             for name in ("job", "job_at_base")}
    report = {
        "machine": {"cpus": os.cpu_count(), "python": platform.python_version(), "platform": platform.platform()},
        "input": {"documents": documents, "text_mb": round(text_bytes / 1e6, 1)}, "base": base,
        "load_average_before_after": [load_before, Path("/proc/loadavg").read_text().split()[:3]],
        "loop_seconds": {name: [round(value, 2) for value in values] for name, values in times.items()},
        "identify_py3langid_over_fast": round(best["identify_py3langid"] / best["identify_fast"], 2),
        "identify_same_answers": outputs[f"identify_{id(reference)}"] == outputs[f"identify_{id(fast)}"],
        "core_with_over_without": round(best["core_with_language"] / best["core_without_language"], 3),
        "core_with_py3langid_over_without": round(best["core_with_py3langid"] / best["core_without_language"], 3),
        "core_with_py3langid_vs_ftfy": round(best["ftfy_loop"] / best["core_with_py3langid"], 2),
        "core_with_language_vs_ftfy": round(best["ftfy_loop"] / best["core_with_language"], 2),
        "core_without_language_vs_ftfy": round(best["ftfy_loop"] / best["core_without_language"], 2),
        "core_same_output": outputs["core_with_language"] == outputs["core_without_language"]
        == outputs["core_with_py3langid"],
        "processes": runs,
        "job_mb_per_s": round(text_bytes / 1e6 / wall["job"], 2),
        "ftfy_alone_mb_per_s": round(text_bytes / 1e6 / wall["ftfy_alone"], 2),
        "job_vs_ftfy_alone": round(wall["ftfy_alone"] / wall["job"], 2),
        "job_at_base_vs_ftfy_alone": round(wall["ftfy_alone"] / wall["job_at_base"], 2),
        "job_over_job_at_base": round(wall["job"] / wall["job_at_base"], 3),
        "jobs_same_clean_texts": [row[:3] for row in clean["job"]] == [row[:3] for row in clean["job_at_base"]],
        "jobs_same_clean_metadata": clean["job"] == clean["job_at_base"],
    }
    out.write_text(json.dumps(report, indent=2) + "\n")
    print(json.dumps(report, indent=2))


def _records(output: Path) -> dict[str, list[str]]:
    """A run's clean, rejected and per-file records, each as its JSON line, sorted (Beam's order is undefined)."""
    return {kind: sorted(line for shard in output.glob(f"{kind}-*.jsonl")
                         for line in shard.read_text(encoding="utf-8").split("\n") if line)
            for kind in ("clean", "rejected", "files")}


def on_dask(path: Path, text_bytes: int, work: Path, reference: Path) -> dict:
    """The job on ``path`` on a Dask cluster of 1, then 2 worker processes, each started here and stopped after;
    raises if its records differ from the ``reference`` run's."""
    import distributed

    results = {}
    for workers in (1, 2):
        name = f"dask_1x_{workers}"
        with distributed.LocalCluster(n_workers=workers, threads_per_worker=1, processes=True,
                                      dashboard_address=None) as cluster:
            result = measure([sys.executable, "-m", "pipeline", "run", "--runner=DaskRunner", "--overwrite",
                              f"--dask_client_address={cluster.scheduler_address}", "--input", str(path),
                              "--output", str(work / name)])
        result["mb_per_s"] = round(text_bytes / 1e6 / result["wall_seconds"], 2)
        results[name] = result
        print(f"{name}: {result}", file=sys.stderr)
        if _records(work / name) != _records(reference):
            raise RuntimeError(f"the Dask cluster of {workers} worker(s) wrote other records than {reference.name}")
    return results


def compare_workers(corpus: Path, work: Path, out: Path, dask_only: bool = False) -> None:
    """One and two worker processes on one file, at 1x and 4x, and on a Dask cluster; see the module's docstring."""
    run = [sys.executable, "-m", "pipeline", "run", "--runner=FnApiRunner", "--overwrite",
           "--direct_running_mode=multi_processing"]
    load_before = Path("/proc/loadavg").read_text().split()[:3]
    results, sizes = {}, {}
    for scale in (1,) if dask_only else (1, 4):
        path = work / f"one-file-{scale}x" / "articles.jsonl"
        sizes[scale] = build_single_file(corpus, scale, path)
        for workers in (1,) if dask_only else (1, 2):
            name = f"workers_{scale}x_{workers}"
            result = measure([*run, f"--direct_num_workers={workers}", "--input", str(path),
                              "--output", str(work / name)])
            result["mb_per_s"] = round(sizes[scale][1] / 1e6 / result["wall_seconds"], 2)
            results[name] = result
            print(f"{name}: {result}", file=sys.stderr)
        if not dask_only and _records(work / f"workers_{scale}x_1") != _records(work / f"workers_{scale}x_2"):
            raise RuntimeError(f"one and two workers wrote different records at {scale}x")
    results.update(on_dask(work / "one-file-1x" / "articles.jsonl", sizes[1][1], work, work / "workers_1x_1"))
    if not dask_only:
        compare_gzip(work, run, sizes[1][1], results)
    report = {
        "machine": {"cpus": os.cpu_count(), "python": platform.python_version(), "platform": platform.platform()},
        "load_average_before": load_before, "load_average_after": Path("/proc/loadavg").read_text().split()[:3],
        "input": {f"{scale}x": {"documents": d, "text_mb": round(b / 1e6, 1), "file_mb": round(
            (work / f"one-file-{scale}x" / "articles.jsonl").stat().st_size / 1e6, 1)} for scale, (d, b) in sizes.items()},
        "results": results,
        "speedup_dask_2_workers": round(results["dask_1x_1"]["wall_seconds"] / results["dask_1x_2"]["wall_seconds"], 2),
        "records_equal": True,
    }
    if not dask_only:
        report["speedup_2_workers"] = {f"{scale}x": round(results[f"workers_{scale}x_1"]["wall_seconds"]
                                                          / results[f"workers_{scale}x_2"]["wall_seconds"], 2)
                                       for scale in (1, 4)}
        report["speedup_reshuffle_gzip_1x"] = round(results["gzip_1x_2"]["wall_seconds"]
                                                    / results["gzip_1x_2_reshuffle"]["wall_seconds"], 2)
    out.write_text(json.dumps(report, indent=2) + "\n")
    print(f"{'measure':<22}{'seconds':>9}{'CPU s':>8}{'MB/s':>8}{'peak MB':>9}")
    for name, r in results.items():
        print(f"{name:<22}{r['wall_seconds']:>9}{r['cpu_seconds']:>8}{r['mb_per_s']:>8}{r['peak_memory_mb']:>9}")
    print(f"2 workers / 1: {report.get('speedup_2_workers')}; Dask 2 workers / 1: {report['speedup_dask_2_workers']}; "
          f"gzip, reshuffled / not: {report.get('speedup_reshuffle_gzip_1x')}; records equal; load average before "
          f"{' '.join(load_before)}, after {' '.join(report['load_average_after'])}; report: {out}")


def compare_gzip(work: Path, run: list[str], text_bytes: int, results: dict) -> None:
    """The 1x file gzipped on two workers, without and with --reshuffle_records; see the module's docstring."""
    # A compressed file cannot be split: one worker reads it, and --reshuffle_records spreads its cleaning.
    packed = work / "one-file-1x-gz" / "articles.jsonl.gz"
    packed.parent.mkdir(parents=True, exist_ok=True)
    packed.write_bytes(gzip.compress((work / "one-file-1x" / "articles.jsonl").read_bytes(), compresslevel=1))
    for name, extra in (("gzip_1x_2", []), ("gzip_1x_2_reshuffle", ["--reshuffle_records"])):
        result = measure([*run, "--direct_num_workers=2", *extra, "--input", str(packed), "--output", str(work / name)])
        result["mb_per_s"] = round(text_bytes / 1e6 / result["wall_seconds"], 2)
        results[name] = result
        print(f"{name}: {result}", file=sys.stderr)
    if _records(work / "gzip_1x_2") != _records(work / "gzip_1x_2_reshuffle"):
        raise RuntimeError("--reshuffle_records changed the records")


def _texts(folder: Path) -> list[dict]:
    return [json.loads(line) for path in sorted(folder.glob("*.jsonl"))
            for line in path.read_text(encoding="utf-8").splitlines()]


def bundled_rules(root: Path = ROOT) -> list:
    """The bundled rules of the checkout at ``root``."""
    from pipeline.core.rules import parse_rules
    # Read directly, not through pipeline.beam.rule_files: the core alone never imports Beam.
    return parse_rules((str(path), path.read_bytes()) for path in sorted((root / "rules").glob("*.toml")))


def bundled_cleaner(root: Path = ROOT):
    """The cleaning core with the bundled rules of the checkout at ``root``, default options."""
    from pipeline.core.clean import Cleaner
    return Cleaner(bundled_rules(root))


def child(name: str, input_dir: Path, work: Path) -> None:
    """Run one measurement in this process; print its loop time as JSON."""
    if name == "ftfy":
        import ftfy
        records = _texts(input_dir)
        start = time.perf_counter()
        for record in records:
            ftfy.fix_text(record["text"])
        print(json.dumps({"loop_seconds": time.perf_counter() - start}))
    elif name in ("core", "profile"):
        from pipeline.core.records import Article, Rejected
        records = _texts(input_dir)
        cleaner = bundled_cleaner()

        def loop():
            for record in records:
                with contextlib.suppress(Rejected):
                    cleaner.clean(Article(id=record["id"], text=record["text"], source="bench",
                                          url=record.get("url"), title=record.get("title")))

        if name == "profile":
            print_profile(loop)
            return
        start = time.perf_counter()
        loop()
        print(json.dumps({"loop_seconds": time.perf_counter() - start}))
    elif name == "datatrove":
        run_datatrove(input_dir, work)


def print_profile(loop) -> None:
    """Run ``loop`` under cProfile; print the cumulative time of each step of Cleaner.clean."""
    import cProfile
    import pstats

    from pipeline.core import clean, headline, language, normalize, words
    from pipeline.core.rules import compiled, engine, gate, literals
    rows = [  # label, function; indented rows are part of the row above
        ("whole core (Cleaner.clean)", clean.Cleaner.clean),
        ("normalisation: ftfy where needed, spaces, layout", normalize.normalize),
        ("  ftfy fast-path check", normalize.UnicodeFixer._scan),
        ("  ftfy itself, on the lines that need it", normalize.fix_unicode),
        ("rules, all", engine.RuleSet.apply),
        ("  finding every rule's literals (Aho-Corasick)", literals.LiteralIndex.find),
        ("  line rules: passes over the lines", engine.RuleSet._remove_lines),
        ("    line gate", gate.LineGate.screen),
        ("  other rules on the lines holding their literals", compiled.CompiledRule.apply),
        ("  rules that can cross lines, on the whole text", compiled.CompiledRule.apply_whole),
        ("layout tidying (in normalisation, and after rules that fired)", normalize.tidy_layout),
        ("headline repeats", headline.find_leading_repeats),
        ("word counts for the mass-removal share", words.count_words),
        ("language identification (headline and start of the text)", language.identify),
        ("  its feature counts (the numpy walk)", language.FastIdentifier.features),
    ]
    profiler = cProfile.Profile()
    profiler.runcall(loop)
    # The raw table: (file, line, name) to (primitive calls, calls, own s, cumulative s, callers); typeshed omits it.
    stats = pstats.Stats(profiler).stats  # type: ignore[attr-defined]
    cumulative = {key: values[3] for key, values in stats.items()}

    def seconds(function) -> float:
        code = function.__code__
        return cumulative.get((code.co_filename, code.co_firstlineno, code.co_name), 0.0)

    whole = seconds(clean.Cleaner.clean)
    print(f"{'step':<86}{'seconds':>9}{'share':>8}")
    for label, function in rows:
        print(f"{label:<86}{seconds(function):>9.2f}{seconds(function) / whole:>8.0%}")
    print("(cProfile slows Python code more than the regex and string methods it calls: read the shares)")


def run_datatrove(input_dir: Path, work: Path) -> None:
    from datatrove.executor import LocalPipelineExecutor
    from datatrove.pipeline.formatters import FTFYFormatter
    from datatrove.pipeline.formatters.base import BaseFormatter
    from datatrove.pipeline.readers import JsonlReader
    from datatrove.pipeline.writers import JsonlWriter

    from pipeline.beam.rule_files import bundled_rules_dir, load_rules
    from pipeline.core.normalize import NormalizeOptions, ftfy_config

    rules = load_rules([bundled_rules_dir()])

    class RulesFormatter(BaseFormatter):
        """The same rules, each applied to the whole text in order, as a datatrove user would."""

        name = "rules"

        def __init__(self):
            super().__init__()
            from pipeline.core.rules import CompiledRule
            self.compiled = [CompiledRule(rule) for rule in rules]

        def format(self, text: str) -> str:
            for rule in self.compiled:
                text = rule.pattern.sub(rule.rule.replacement, text)
            return text

    config = ftfy_config(NormalizeOptions())
    settings = {key: getattr(config, key) for key in (
        "unescape_html", "remove_terminal_escapes", "fix_encoding", "restore_byte_a0", "replace_lossy_sequences",
        "decode_inconsistent_utf8", "fix_c1_controls", "fix_latin_ligatures", "fix_character_width",
        "uncurl_quotes", "fix_line_breaks", "fix_surrogates", "remove_control_chars", "normalization")}
    LocalPipelineExecutor(
        pipeline=[JsonlReader(str(input_dir)), FTFYFormatter(**settings), RulesFormatter(),
                  JsonlWriter(str(work / "datatrove-out"))],
        tasks=1, workers=1, logging_dir=str(work / "datatrove-logs"),
    ).run()


def _tree_rss_bytes(root: int) -> int:
    children: dict[int, list[int]] = {}
    rss: dict[int, int] = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat") as stat:
                ppid = int(stat.read().rsplit(")", 1)[1].split()[1])
            with open(f"/proc/{entry}/statm") as statm:
                rss[int(entry)] = int(statm.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")
        except (OSError, IndexError, ValueError):
            continue
        children.setdefault(ppid, []).append(int(entry))
    total, stack = 0, [root]
    while stack:
        pid = stack.pop()
        total += rss.get(pid, 0)
        stack.extend(children.get(pid, []))
    return total


def measure(command: list[str], cwd: Path = ROOT, env: dict[str, str] | None = None) -> dict:
    """Run a command in ``cwd``; return its wall time, peak tree memory and the JSON it printed last."""
    peak = 0
    process = subprocess.Popen(command, cwd=cwd, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    done = threading.Event()

    def sample():
        nonlocal peak
        while not done.is_set():
            peak = max(peak, _tree_rss_bytes(process.pid))
            time.sleep(0.05)

    sampler = threading.Thread(target=sample)
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    sampler.start()
    stdout, stderr = process.communicate()
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    done.set()
    sampler.join()
    if process.returncode != 0:
        raise RuntimeError(f"{' '.join(command)} failed:\n{stderr[-3000:]}")
    printed = [line for line in stdout.splitlines() if line.startswith("{")]
    # CPU time of the process and every descendant it waited for (Beam's worker processes included): against
    # wall time it tells a run that had no free core from one that did not use it.
    cpu = after.ru_utime + after.ru_stime - before.ru_utime - before.ru_stime
    return {"wall_seconds": round(wall, 2), "cpu_seconds": round(cpu, 2), "peak_memory_mb": round(peak / 1e6, 1),
            **(json.loads(printed[-1]) if printed else {})}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--corpus", type=Path, help="the corpus folder (../shared/corpus); required")
    parser.add_argument("--size_mb", type=float, default=40, help="article text to clean, in MB (default 40)")
    parser.add_argument("--out", type=Path, help="the report (default bench/results.json)")
    parser.add_argument("--work", type=Path, help="scratch folder (default: a new temporary one)")
    parser.add_argument("--profile", action="store_true", help="only profile the core, step by step")
    parser.add_argument("--workers", action="store_true",
                        help="only compare one and two worker processes on one file (default --out bench/workers.json)")
    parser.add_argument("--dask_only", action="store_true",
                        help="with --workers: only the 1x file on one DirectRunner worker and on the Dask cluster")
    parser.add_argument("--sites", type=int, metavar="N",
                        help="only compare the core with the bundled rules and with N more site files "
                             "(default --out bench/sites.json)")
    parser.add_argument("--language", metavar="BASE",
                        help="only measure what language identification costs: the core with and without its step, "
                             "and the job at this checkout and at BASE, a commit without it (default --out "
                             "bench/language.json)")
    parser.add_argument("--child", help=argparse.SUPPRESS)
    parser.add_argument("--input", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        child(args.child, args.input, args.work)
        return
    if not args.corpus or not args.corpus.is_dir():
        parser.error("--corpus must name the corpus folder (../shared/corpus)")

    work = args.work or Path(tempfile.mkdtemp(prefix="newsclean-bench-"))
    if args.workers:
        compare_workers(args.corpus, work, args.out or ROOT / "bench" / "workers.json", args.dask_only)
        return
    if args.language:
        compare_language(args.corpus, work, args.out or ROOT / "bench" / "language.json", args.language)
        return
    if args.sites is not None:
        if args.sites < 1:
            parser.error("--sites must be at least 1")
        compare_sites(args.corpus, args.sites, work, args.out or ROOT / "bench" / "sites.json")
        return
    args.out = args.out or ROOT / "bench" / "results.json"
    if args.profile:
        build_input(args.corpus, args.size_mb, work / "input-1x")
        child("profile", work / "input-1x", work)
        return
    inputs = {scale: work / f"input-{scale}x" for scale in (1, 4)}
    sizes = {scale: build_input(args.corpus, args.size_mb * scale, folder) for scale, folder in inputs.items()}
    me = [sys.executable, str(Path(__file__).resolve())]
    run = [sys.executable, "-m", "pipeline", "run", "--runner=FnApiRunner", "--overwrite"]
    commands = {
        "ftfy": [*me, "--child", "ftfy", "--input", str(inputs[1]), "--work", str(work)],
        "core": [*me, "--child", "core", "--input", str(inputs[1]), "--work", str(work)],
        "pipeline": [*run, "--input", str(inputs[1] / "*.jsonl"), "--output", str(work / "out-1x")],
        "pipeline_2proc": [*run, "--input", str(inputs[1] / "*.jsonl"), "--output", str(work / "out-2proc"),
                           "--direct_num_workers=2", "--direct_running_mode=multi_processing"],
        "datatrove": [*me, "--child", "datatrove", "--input", str(inputs[1]), "--work", str(work)],
        "pipeline_4x": [*run, "--input", str(inputs[4] / "*.jsonl"), "--output", str(work / "out-4x")],
    }
    results = {}
    for name, command in commands.items():
        shutil.rmtree(work / "datatrove-out", ignore_errors=True)
        shutil.rmtree(work / "datatrove-logs", ignore_errors=True)
        result = measure(command)
        documents, text_bytes = sizes[4 if name.endswith("_4x") else 1]
        result["mb_per_s"] = round(text_bytes / 1e6 / result["wall_seconds"], 2)
        result["docs_per_s"] = round(documents / result["wall_seconds"], 1)
        if "loop_seconds" in result:
            result["loop_mb_per_s"] = round(text_bytes / 1e6 / result["loop_seconds"], 2)
        results[name] = result
        print(f"{name}: {result}", file=sys.stderr)

    ftfy_rate, datatrove_rate = results["ftfy"]["mb_per_s"], results["datatrove"]["mb_per_s"]
    for result in results.values():
        result["vs_ftfy"] = round(result["mb_per_s"] / ftfy_rate, 2)
        result["vs_datatrove"] = round(result["mb_per_s"] / datatrove_rate, 2)
    report = {
        "machine": {"cpus": os.cpu_count(), "python": platform.python_version(), "platform": platform.platform()},
        "input": {f"{scale}x": {"documents": d, "text_mb": round(b / 1e6, 1)} for scale, (d, b) in sizes.items()},
        "results": results,
        "memory_growth_4x": round(results["pipeline_4x"]["peak_memory_mb"] / results["pipeline"]["peak_memory_mb"], 2),
    }
    args.out.write_text(json.dumps(report, indent=2) + "\n")
    print(f"{'measure':<16}{'MB/s':>8}{'docs/s':>9}{'peak MB':>9}{'x ftfy':>8}{'x datatrove':>12}  loop MB/s")
    for name, r in results.items():
        print(f"{name:<16}{r['mb_per_s']:>8}{r['docs_per_s']:>9}{r['peak_memory_mb']:>9}{r['vs_ftfy']:>8}"
              f"{r['vs_datatrove']:>12}  {r.get('loop_mb_per_s', '')}")
    print(f"peak memory at 4x input / 1x: {report['memory_growth_4x']}; report: {args.out}")


if __name__ == "__main__":
    main()
