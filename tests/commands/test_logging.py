import subprocess
import sys

from tests.conftest import RAW, REPO

# Runs the command line with apitools made unimportable, as on an install without the gcp extra.
WITHOUT_APITOOLS = ("import logging, runpy, sys; sys.modules['apitools'] = None; "
                    "sys.argv = ['pipeline', *sys.argv[1:]]; runpy.run_module('pipeline', run_name='__main__')")


def test_a_run_without_the_gcp_extra_does_not_print_the_apitools_warning_but_other_warnings_still_show(tmp_path):
    ran = subprocess.run([sys.executable, "-c", WITHOUT_APITOOLS, "run", "--input", str(RAW / "wire.jsonl"),
                          "--output", str(tmp_path), "--runner=FnApiRunner"],
                         cwd=REPO, capture_output=True, text=True, timeout=300)
    assert ran.returncode == 0, ran.stderr
    assert "apitools" not in ran.stderr
    shown = subprocess.run([sys.executable, "-c", "import logging, pipeline; logging.warning('disk almost full'); "
                            "logging.warning('apitools not found, and bigquery client libraries are not available')"],
                           cwd=REPO, capture_output=True, text=True, timeout=60)
    assert shown.stderr == "WARNING:root:disk almost full\n"
