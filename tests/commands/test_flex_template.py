"""The Flex Template's metadata and the command line must describe the same options."""

import json
import subprocess
import sys

import regex
from apache_beam.runners.portability.fn_api_runner import FnApiRunner
from apache_beam.runners.runner import PipelineResult, PipelineRunner, PipelineState

from pipeline.commands import arguments, cli
from pipeline.commands.flex_template import main, metadata, run_options
from tests.conftest import REPO

COMMITTED = json.loads((REPO / "deploy" / "metadata.json").read_text(encoding="utf-8"))


def test_committed_metadata_is_what_the_command_line_generates():
    assert metadata() == COMMITTED, \
        "deploy/metadata.json is stale: python -m pipeline.commands.flex_template metadata > deploy/metadata.json"


def test_the_launcher_images_entry_point_is_a_script_that_runs():
    # The launcher runs the file FLEX_TEMPLATE_PYTHON_PY_FILE names as a script (not with -m), below WORKDIR.
    dockerfile = (REPO / "deploy" / "Dockerfile").read_text(encoding="utf-8")
    entry = regex.search(r'FLEX_TEMPLATE_PYTHON_PY_FILE="\$\{WORKDIR\}/([^"]+)"', dockerfile)
    assert entry is not None
    done = subprocess.run([sys.executable, entry.group(1), "metadata"], cwd=REPO, capture_output=True, text=True,
                          timeout=120)
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout) == COMMITTED


def test_every_run_option_is_a_template_parameter_with_its_help_text():
    parameters = {p["name"]: p for p in COMMITTED["parameters"]}
    options = {action.dest: action for action in run_options()}
    assert set(parameters) == set(options)
    for name, action in options.items():
        assert parameters[name]["helpText"] == action.help
        assert parameters[name]["isOptional"] == (not action.required)


def test_each_regex_accepts_the_default_and_the_choices_and_the_cli_parses_them():
    parser = cli.build_parser()
    for parameter in COMMITTED["parameters"]:
        action = next(a for a in run_options() if a.dest == parameter["name"])
        pattern = regex.compile(parameter["regexes"][0])
        samples = list(action.choices or [])
        if action.default not in (None, [], False):
            samples.append(str(action.default))
        if action.type is arguments.boolean:
            samples += ["true", "false"]
        for value in samples:
            assert pattern.fullmatch(value), (parameter["name"], value)
            args, _ = parser.parse_known_args(["run", "--input=x", "--output=y", f"--{parameter['name']}={value}"])
            assert getattr(args, parameter["name"]) is not None


def test_regexes_refuse_what_the_cli_refuses():
    by_name = {p["name"]: regex.compile(p["regexes"][0]) for p in COMMITTED["parameters"]}
    assert not by_name["overwrite"].fullmatch("yes please")
    assert not by_name["max_removed_share"].fullmatch("1.5")
    assert not by_name["max_doc_bytes"].fullmatch("0")
    assert not by_name["input_format"].fullmatch("xml")
    assert by_name["languages"].fullmatch("en, de") and not by_name["languages"].fullmatch("english")


def test_flag_parameters_take_values_as_a_template_passes_them():
    parser = cli.build_parser()
    args, _ = parser.parse_known_args(["run", "--input=x", "--output=y", "--overwrite=false",
                                       "--straight_quotes=true", "--rules=gs://b/r1,gs://b/r2.toml", "--rules=local"])
    assert (args.overwrite, args.straight_quotes) == (False, True)
    assert args.rules == ["gs://b/r1", "gs://b/r2.toml", "local"]


class SubmitOnlyRunner(PipelineRunner):
    """A runner like Dataflow seen from a launcher: the job runs (here, to its end on Beam's in-process engine,
    before this returns), and the result it hands back can be neither waited on nor queried for metrics."""

    def run_pipeline(self, pipeline, options):
        FnApiRunner().run_pipeline(pipeline, options).wait_until_finish()
        return SubmittedResult()


class SubmittedResult(PipelineResult):
    def __init__(self):
        super().__init__(PipelineState.RUNNING)

    def wait_until_finish(self, duration=None):  # noqa: ARG002 (Beam's signature)
        raise AssertionError("the launcher waited for the job")

    def metrics(self):
        raise AssertionError("the launcher queried the job's metrics")


def test_the_launcher_submits_and_returns_and_the_job_writes_its_own_summary(tmp_path, capsys):
    code = main(["--input=fixtures/raw/*", f"--output={tmp_path}", "--dedup=exact",
                 "--runner=tests.commands.test_flex_template.SubmitOnlyRunner"])
    assert code == 0
    assert f"job submitted; it writes {tmp_path}/summary.json when it finishes" in capsys.readouterr().out
    summary = json.loads((tmp_path / "summary.json").read_text())
    assert summary["documents"] == {"read": 9, "clean": 7, "rejected": 2, "duplicates": 0}
    assert summary["files"] == {"read": 4, "not_reconciled": []}
    assert summary["rejected_by_reason"] == {"invalid_json": 1, "missing_text": 1}
    assert summary["provenance"]["options"]["dedup"] == "exact"
