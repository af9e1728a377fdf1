"""The installed package, as a Flex Template launcher or a Dataflow worker gets it, carries the bundled rules."""

import shutil
import subprocess
import sys
import tarfile
import zipfile

import pytest

from tests.conftest import BUNDLED_RULES, REPO

RULE_FILES = sorted(path.name for path in BUNDLED_RULES.glob("*.toml"))


@pytest.fixture(scope="module")
def dist(tmp_path_factory):
    out = tmp_path_factory.mktemp("dist")
    # Built from a copy: setuptools writes build/ and *.egg-info beside the sources it builds.
    source = tmp_path_factory.mktemp("source") / "newsclean"
    shutil.copytree(REPO, source, ignore=shutil.ignore_patterns(
        ".git", ".venv", "out", "build", "*.egg-info", "__pycache__", ".hypothesis", ".pytest_cache"))
    subprocess.run([sys.executable, "-m", "build", "--no-isolation", "--outdir", str(out), str(source)],
                   check=True, capture_output=True, timeout=300)
    return out


def test_the_wheel_holds_the_bundled_rules(dist):
    [wheel] = dist.glob("*.whl")
    names = zipfile.ZipFile(wheel).namelist()
    assert sorted(n.rsplit("/", 1)[1] for n in names if n.startswith("pipeline/bundled_rules/")) == RULE_FILES


def test_the_sdist_that_setup_file_stages_holds_the_rules(dist):
    [sdist] = dist.glob("*.tar.gz")
    with tarfile.open(sdist) as archive:
        names = archive.getnames()
    assert sorted(n.rsplit("/", 1)[1] for n in names if "/rules/" in n and n.endswith(".toml")) == RULE_FILES


def test_the_wheel_holds_every_module_of_the_package(dist):
    [wheel] = dist.glob("*.whl")
    names = {n for n in zipfile.ZipFile(wheel).namelist() if n.endswith(".py")}
    assert names == {str(path.relative_to(REPO)) for path in (REPO / "pipeline").rglob("*.py")}


def test_an_installed_package_finds_its_bundled_rules(dist, tmp_path):
    [wheel] = dist.glob("*.whl")
    site = tmp_path / "site"
    zipfile.ZipFile(wheel).extractall(site)
    probe = (f"import sys; sys.path.insert(0, {str(site)!r}); import pipeline, pipeline.commands.cli; "
             "from pipeline.beam.rule_files import bundled_rules_dir, load_rules; "
             "from pipeline.core.line_model import bundled_model; "
             "print(pipeline.__file__); print(bundled_rules_dir()); print(len(load_rules([bundled_rules_dir()]))); "
             "print(bundled_model().threshold)")
    done = subprocess.run([sys.executable, "-c", probe], cwd=tmp_path, capture_output=True, text=True, check=True)
    package_file, rules_dir, count, threshold = done.stdout.split("\n")[:4]
    assert package_file.startswith(str(site))
    assert rules_dir == str(site / "pipeline" / "bundled_rules")
    assert int(count) > 0
    assert 0 < float(threshold) < 1   # the line model's weights ship in the wheel too
