"""`newsclean audit` on real articles: the run's input read as that run read it, from its summary.json."""

import json

from tests.conftest import FIXTURES, IN_PROCESS, run_cli


def test_audit_command_reports_what_the_bundled_rules_leave_on_real_articles(tmp_path):
    # Three Politico articles (fakenewsnet_v1) ending in an empty 'Authors:' label (one also holds a blog archive's
    # date picker, then its headline again: both go), and three Before It's News reposts (fakenewscorpus_sample)
    # with The Daily Sheeple's syndication footer.
    out = tmp_path / "out"
    done = run_cli("run", "--input", "fixtures/audit/*.jsonl", "--output", str(out), *IN_PROCESS)
    assert done.returncode == 0, done.stderr
    report_path = tmp_path / "audit.json"
    done = run_cli("audit", "fixtures/audit/*.jsonl", str(out), "--json", str(report_path))
    assert done.returncode == 0, done.stderr
    report = json.loads(report_path.read_text(encoding="utf-8"))
    politico, sheeple = report["corpora"]["politico.jsonl"], report["corpora"]["beforeitsnews.jsonl"]
    # Before: 'Authors:' (1 word) in all three Politico articles; the Bitcoin teaser headline (11 words) and
    # 'Delivered by The Daily Sheeple' (5) in all three reposts. After: the rules took every one.
    assert politico["before"]["by_signal"] == {"repeated": 3, "furniture_words": 0, "link_list": 0}
    assert sheeple["before"]["by_signal"] == {"repeated": 48, "furniture_words": 0, "link_list": 0}
    assert politico["after"]["flagged_words"] == sheeple["after"]["flagged_words"] == 0
    assert [site["site"] for site in report["sites"]] == ["beforeitsnews.com", "politi.co"]
    assert "| politico.jsonl | 3 | 515 | 0.0058 | 449 | 0.0000 |" in done.stdout


def test_audit_of_the_run_alone_reads_its_input_as_the_run_did(tmp_path):
    # The articles under another text field: read with the default fields, none would be an article.
    raw = tmp_path / "raw" / "politico.jsonl"
    raw.parent.mkdir()
    lines = (FIXTURES / "audit" / "politico.jsonl").read_text(encoding="utf-8").splitlines()
    raw.write_text("".join(json.dumps({"body" if key == "text" else key: value
                                       for key, value in json.loads(line).items()}) + "\n" for line in lines),
                   encoding="utf-8")
    out = tmp_path / "out"
    done = run_cli("run", "--input", str(raw), "--output", str(out), "--text_field", "body", "--output_format",
                   "parquet", *IN_PROCESS)
    assert done.returncode == 0, done.stderr
    done = run_cli("audit", str(out), "--json", str(tmp_path / "audit.json"))
    assert done.returncode == 0, done.stderr
    report = json.loads((tmp_path / "audit.json").read_text(encoding="utf-8"))
    assert report["corpora"]["politico.jsonl"]["before"]["by_signal"] == {"repeated": 3, "furniture_words": 0,
                                                                          "link_list": 0}
    assert "| politico.jsonl | 3 | 515 | 0.0058 | 449 | 0.0000 |" in done.stdout
    done = run_cli("audit", str(out), "--output_format", "jsonl")   # the run wrote Parquet
    assert (done.returncode, f"{out} holds no clean-* output in jsonl" in done.stderr) == (2, True)


def test_audit_command_fails_fast_on_a_folder_without_a_run(tmp_path):
    done = run_cli("audit", "fixtures/audit/*.jsonl", str(tmp_path))
    assert done.returncode == 2
    assert f"audit {tmp_path}: no summary.json of a finished run can be read there" in done.stderr
    out = tmp_path / "out"
    assert run_cli("run", "--input", "fixtures/audit/*.jsonl", "--output", str(out), *IN_PROCESS).returncode == 0
    done = run_cli("audit", str(tmp_path / "nothing-*.jsonl"), str(out))
    assert (done.returncode, "matches no file" in done.stderr) == (2, True)
    done = run_cli("audit", "fixtures/audit/*.jsonl", str(out), "--runner=FnApiRunner")
    assert (done.returncode, "unrecognized arguments: --runner=FnApiRunner (audit takes no Beam options)"
            in done.stderr) == (2, True)


def test_audit_of_the_run_alone_normalises_the_before_column_as_the_run_did(tmp_path):
    # One sign-off line under three stories, its quotes curly in some: the same line once --straight_quotes
    # straightens them, so a run with it audits the line as repeated on three pages (4 words each); without it,
    # three different lines, on one page each.
    endings = ["Don’t miss “The Briefing”", "Don't miss \"The Briefing\"", "Don’t miss \"The Briefing\""]
    stories = [("Council budget", "The council met on Monday to vote on the budget for the next year."),
               ("River floods", "Rain fell all day and the river rose above its banks by the evening."),
               ("Schools reopen", "Schools reopened after the storm and pupils returned to their classes.")]
    raw = tmp_path / "raw" / "wire.jsonl"
    raw.parent.mkdir()
    raw.write_text("".join(json.dumps({"id": f"a{i}", "url": f"https://news.example/{i}", "title": title,
                                       "text": f"{story}\n\n{ending}"}) + "\n"
                           for i, ((title, story), ending) in enumerate(zip(stories, endings, strict=True))),
                   encoding="utf-8")
    repeated = {}
    for name, flags in (("curly", []), ("straight", ["--straight_quotes"])):
        out = tmp_path / name
        done = run_cli("run", "--input", str(raw), "--output", str(out), *flags, *IN_PROCESS)
        assert done.returncode == 0, done.stderr
        done = run_cli("audit", str(out), "--json", str(tmp_path / f"{name}.json"))
        assert done.returncode == 0, done.stderr
        report = json.loads((tmp_path / f"{name}.json").read_text(encoding="utf-8"))
        repeated[name] = report["corpora"]["wire.jsonl"]["before"]["by_signal"]["repeated"]
    assert repeated == {"curly": 0, "straight": 12}
