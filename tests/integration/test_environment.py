"""The project's set-up files agree with each other."""

import os
import re

import tomllib
import yaml

from autograder import ROOT


def _conda_specs():
    """Conda's packages and the pip section's (conda-forge lacks a few), but not ``-e .``."""
    deps = yaml.safe_load((ROOT / "environment.yml").read_text())["dependencies"]
    pip = [s for d in deps if isinstance(d, dict) for s in d.get("pip", [])]
    return [
        d.replace(" ", "")
        for d in [*deps, *pip]
        if isinstance(d, str) and _name(d) not in ("python", "pip") and not d.startswith("-e")
    ]


def _installed_specs(project):
    """What `make` installs: the dependencies, the test extra and the site extra."""
    extras = project["optional-dependencies"]
    return project["dependencies"] + extras["test"] + extras["site"]


def _name(spec):
    return re.split(r"[<>=!~ \[]", spec.strip(), maxsplit=1)[0].lower().replace("_", "-")


def test_environment_yml_lists_the_same_packages_as_pyproject():
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    wanted = {_name(s) for s in _installed_specs(project)}
    conda = {_name(s) for s in _conda_specs()}
    assert conda == wanted, (
        f"only in environment.yml: {conda - wanted}; only in pyproject: {wanted - conda}"
    )


def test_environment_yml_pins_match_pyproject():
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    # environment markers (after ';') are pip's business: conda has its own platforms
    pins = {_name(s): s.split(";")[0].replace(" ", "") for s in _installed_specs(project)}
    for spec in _conda_specs():
        assert pins[_name(spec)] == spec, f"{spec} in environment.yml vs {pins[_name(spec)]}"


def test_makefile_has_the_user_commands():
    text = (ROOT / "Makefile").read_text()
    for target in ("lab", "test", "release", "grade", "bench", "student", "site", "exchange",
                   "roster"):  # fmt: skip
        assert re.search(rf"^{target}:", text, re.M), f"Makefile lacks target {target}"
    assert "--allow-root" in text


def test_ci_runs_the_readme_test_command():
    readme = (ROOT / "README.md").read_text()
    assert "make test" in readme and "make lab" in readme
    assert "make test" in (ROOT / ".ci" / "run").read_text()


def _check_playground_block(ns, printed):
    """The playground trained 200 epochs headless and its readout says so, with its losses."""
    pg = ns["pg"]
    assert pg.epoch == 200 and len(pg.train_loss) == len(pg.test_loss) == 201
    assert printed.strip() == pg.readout()
    assert pg.readout() == (
        f"epoch 200 · train loss {pg.train_loss[-1]:.3f} · test loss {pg.test_loss[-1]:.3f}"
    )
    assert pg.train_loss[-1] < 0.8 * pg.train_loss[0]  # it did learn the spiral


def _check_library_block(ns, printed):
    """XOR learned exactly (predictions 0 1 1 0), gradients parallel to the parameters, and
    the gradient check's relative error tiny."""
    import numpy as np

    net, X, T, grads, history = ns["net"], ns["X"], ns["T"], ns["grads"], ns["history"]
    assert [g.shape for g in grads] == [p.shape for p in net.params]
    assert len(history.loss) == 500 and history.loss[-1] < 0.1 * history.loss[0]
    np.testing.assert_array_equal(net.predict(X).ravel(), T.ravel())
    shown, error = printed.strip().rsplit("]", 1)
    assert shown == "[0 1 1 0" and 0 <= float(error) < 1e-6


README_CHECKS = {"Playground(": _check_playground_block, "ffnn.MLP(": _check_library_block}


def test_readme_example_runs_and_does_what_it_says():
    """Every python block of the README runs as printed, and does what the README says."""
    import contextlib
    import io

    text = (ROOT / "README.md").read_text()
    blocks = re.findall(r"```python\n(.*?)```", text, re.S)
    assert blocks, "README has no python example"
    checked = set()
    for block in blocks:
        keys = [key for key in README_CHECKS if key in block]
        assert len(keys) == 1, f"no check (or more than one) for this README block:\n{block}"
        ns, out = {}, io.StringIO()
        with contextlib.redirect_stdout(out):
            exec(compile(block, "README.md", "exec"), ns)
        README_CHECKS[keys[0]](ns, out.getvalue())
        checked.add(keys[0])
    assert checked == set(README_CHECKS), (
        f"README lost the example(s) {set(README_CHECKS) - checked}"
    )


def test_a_missing_component_fails_under_ci_and_skips_elsewhere(tmp_path):
    """tests/conftest.py's ``require``: under CI=true a test whose component is missing
    fails and names it; on a developer's machine it is skipped with the same words."""
    import shutil
    import subprocess
    import sys

    shutil.copy(ROOT / "tests" / "conftest.py", tmp_path / "conftest.py")
    (tmp_path / "test_needs.py").write_text(
        "def test_needs_a_browser(require):\n"
        "    require('Chromium', False, \"Debian's package chromium\")\n"
    )
    runs = {}
    for ci in ("true", ""):
        env = {**os.environ, "CI": ci}
        runs[ci] = subprocess.run(
            [sys.executable, "-m", "pytest", "-p", "no:cacheprovider", "-rs", str(tmp_path)],
            cwd=tmp_path, env=env, capture_output=True, text=True,
        )  # fmt: skip
    failed, skipped = runs["true"], runs[""]
    assert failed.returncode == 1 and "1 failed" in failed.stdout, failed.stdout
    assert "CI=true: Chromium is missing (Debian's package chromium)" in failed.stdout
    assert skipped.returncode == 0 and "1 skipped" in skipped.stdout, skipped.stdout
    assert "Chromium is missing" in skipped.stdout


def test_ci_script_stops_when_a_system_component_is_missing(tmp_path):
    """.ci/run's check of the system components, run with a PATH that has everything but
    Chromium: it exits 1 and names Chromium."""
    import shutil
    import subprocess

    text = (ROOT / ".ci" / "run").read_text()
    assert "export CI=true" in text
    block = "missing=()" + text.split("missing=()")[1].split("make test")[0]
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    for tool in ("ls", "bwrap"):
        found = shutil.which(tool)
        if found:
            (bin_dir / tool).symlink_to(found)
    run = subprocess.run(["/bin/bash", "-c", block], env={"PATH": str(bin_dir)},
                         capture_output=True, text=True)  # fmt: skip
    assert run.returncode == 1, run
    assert "required component missing: Chromium (Debian package chromium)" in run.stderr
