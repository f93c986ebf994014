"""The project's set-up files agree with each other."""

import re

import tomllib
import yaml

from autograder import ROOT


def _conda_specs():
    deps = yaml.safe_load((ROOT / "environment.yml").read_text())["dependencies"]
    return [
        d.replace(" ", "") for d in deps if isinstance(d, str) and _name(d) not in ("python", "pip")
    ]


def _name(spec):
    return re.split(r"[<>=!~ \[]", spec.strip(), maxsplit=1)[0].lower().replace("_", "-")


def test_environment_yml_lists_the_same_packages_as_pyproject():
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    wanted = {_name(s) for s in project["dependencies"] + project["optional-dependencies"]["test"]}
    conda = {_name(s) for s in _conda_specs()}
    assert conda == wanted, (
        f"only in environment.yml: {conda - wanted}; only in pyproject: {wanted - conda}"
    )


def test_environment_yml_pins_match_pyproject():
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    pins = {
        _name(s): s.replace(" ", "")
        for s in project["dependencies"] + project["optional-dependencies"]["test"]
    }
    for spec in _conda_specs():
        assert pins[_name(spec)] == spec, f"{spec} in environment.yml vs {pins[_name(spec)]}"


def test_makefile_has_the_user_commands():
    text = (ROOT / "Makefile").read_text()
    for target in ("lab", "test", "release", "grade", "bench"):
        assert re.search(rf"^{target}:", text, re.M), f"Makefile lacks target {target}"
    assert "--allow-root" in text


def test_ci_runs_the_readme_test_command():
    readme = (ROOT / "README.md").read_text()
    assert "make test" in readme and "make lab" in readme
    assert "make test" in (ROOT / ".ci" / "run").read_text()


def test_readme_example_runs():
    """The library example in the README is real code that runs as printed."""
    text = (ROOT / "README.md").read_text()
    blocks = re.findall(r"```python\n(.*?)```", text, re.S)
    assert blocks, "README has no python example"
    for block in blocks:
        exec(compile(block, "README.md", "exec"), {})
