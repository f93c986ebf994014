"""The benchmark suite runs end to end in quick mode and every backend computes the same
maths as ffnn. No timing is asserted: speed is reported by `make bench`, never tested."""

import importlib.util
import json
import sys
import types

import numpy as np
import pytest

import benchmarks
from benchmarks import common, online_sgd, run, sweep
from benchmarks.common import peer

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def quick(tmp_path_factory):
    out = tmp_path_factory.mktemp("bench")
    # everything but the browser benchmark (JupyterLab + Chromium, tested on its own)
    names = [n for n in run.WORKLOADS if n != "widgets_browser"]
    results = run.main(["--quick", "--only", *names, "--out", str(out)])
    return out, results


def test_quick_run_writes_every_table_and_the_plot(quick):
    out, results = quick
    report = (out / "RESULTS.md").read_text()
    for title in ("## 1. On-line SGD", "## 2. Mini-batch", "## 3. Large batch",
                  "## 4. Perceptron", "## 5. Decision-boundary", "Playground frame",
                  "## 6. Start-up", "## 7. Grading", "## 8. Scaling sweep",
                  "## 10. Activation accuracy", "**Machine:**", "**Versions:**",
                  "quick mode", "](results.png)", "*Figure (results.png):*",
                  "**Load:**"):  # fmt: skip
        assert title in report, title
    assert (out / "results.png").stat().st_size > 5_000
    data = json.loads((out / "results.json").read_text())
    assert data["quick"] is True and data["machine"]["versions"]["numpy"] == np.__version__


def test_every_backend_does_the_same_maths(quick):
    _, r = quick
    for name, diff in r["online_sgd"]["max_weight_difference_vs_ffnn"].items():
        assert diff < 1e-12, name
    for name, diff in r["large_batch"]["max_weight_difference_vs_ffnn"].items():
        assert diff < 1e-12, name
    for name, row in r["perceptron"]["rows"].items():
        assert row["same_run_as_ffnn"], name
    assert r["perceptron"]["converged"]
    for name, row in r["boundary"]["rows"].items():
        assert row["max_difference_vs_ffnn"] < 1e-12, name
    for dtype, rows in r["minibatch"]["tables"].items():
        ours = rows["ffnn"]["test_accuracy"]
        for name, row in rows.items():
            assert abs(row["test_accuracy"] - ours) <= 0.01, (dtype, name)


def test_missing_peers_are_reported_not_hidden(quick):
    _, r = quick
    for workload in ("online_sgd", "minibatch", "large_batch"):
        missing = r[workload]["missing"]
        assert ("PyTorch" in missing) == (peer("torch") is None)
        assert ("scikit-learn" in missing) == (peer("sklearn") is None)
        names = r[workload]["rows"] if "rows" in r[workload] else r[workload]["tables"]["float64"]
        assert ("PyTorch autograd" in names) == (peer("torch") is not None)


def test_startup_and_frame_records(quick):
    _, r = quick
    s = r["startup"]["cached_startup"]
    assert 0 < s["import_s"] < s["process_wall_s"] and s["runs"] == 2
    f = r["playground_frame"]["frame"]
    assert f["ms"]["frame"] == pytest.approx(
        f["ms"]["train"] + f["ms"]["views"] + f["ms"]["render"], rel=0.2
    )


def test_paired_interleaves_and_summary_is_a_rate():
    calls = []
    times = common.paired({"a": lambda: calls.append("a"), "b": lambda: calls.append("b")},
                          repeats=4, warmup=1, settle=1)  # fmt: skip
    assert calls.count("a") == calls.count("b") == 1 + 4 * 2
    assert all(len(v) == 4 for v in times.values())
    s = common.summary([0.5, 0.25, 1.0], work=10)
    assert (s["median"], s["min"], s["max"], s["seconds"]) == (20, 10, 40, 0.5)
    assert common.fmt_rate(1_530_000) == "1.53M" and common.fmt_rate(312_400) == "312k"


def test_sklearn_runs_the_same_sgd(require):
    require("scikit-learn", peer("sklearn") is not None, "pip: the test extra")
    diffs = online_sgd.same_maths(n=50, epochs=2)
    assert diffs["scikit-learn"] < 1e-12


def test_gemm_ceiling_is_measured():
    assert (
        np.isfinite(common.gemm_gflops(n=128, repeats=2)) and common.gemm_gflops(128, repeats=2) > 0
    )


# ------------------------------------------------------------------ the scaling sweep


def test_sweep_backends_make_the_same_steps(quick):
    """After the same epoch from the same start, every peer's weights equal ffnn's, on the
    on-line path (batch 1) and the mini-batch one (with a smaller last batch)."""
    _, r = quick
    diffs = r["sweep"]["max_weight_difference_vs_ffnn"]
    peers = ["NumPy"] + (["PyTorch autograd"] if peer("torch") is not None else [])
    assert sorted(diffs) == sorted(f"{p}, batch {b}" for p in peers for b in (1, 5))
    for name, diff in diffs.items():
        assert diff < 1e-12, name
    assert ("PyTorch" in r["sweep"]["missing"]) == (peer("torch") is None)


def test_sweep_training_moves_the_weights_and_the_peers_follow():
    """Not vacuous: the weights move well beyond the tolerance, and a backend trained on
    other rows (or with another batch size) ends elsewhere."""
    X, T, net, params0 = sweep.setup(8, 12)
    runs = sweep.backends(X, T, net, params0, 3)
    ours = [p.copy() for p in runs["ffnn"](12)]
    assert max(np.max(np.abs(a - b)) for a, b in zip(ours, params0, strict=True)) > 1e-4
    theirs = runs["NumPy"](12)
    assert max(np.max(np.abs(a - b)) for a, b in zip(ours, theirs, strict=True)) < 1e-12
    other = sweep.backends(X, T, net, params0, 4)["NumPy"](12)
    assert max(np.max(np.abs(a - b)) for a, b in zip(ours, other, strict=True)) > 1e-6


def test_sweep_records_every_point_and_the_share_of_the_ceiling(quick):
    _, r = quick
    s = r["sweep"]
    assert s["width"]["points"] == sweep.QUICK["widths"]
    assert s["batch"]["points"] == sweep.QUICK["batches"]
    for side, width_of in (("width", lambda p: p), ("batch", lambda p: sweep.BATCH_WIDTH)):
        for name, rows in s[side]["rows"].items():
            assert len(rows) == len(s[side]["points"]), (side, name)
            for p, row in zip(s[side]["points"], rows, strict=True):
                assert row["min"] <= row["median"] <= row["max"] and row["min"] > 0
                assert row["gflops"] == pytest.approx(
                    row["median"] * sweep.flops_per_sample(width_of(p)) / 1e9
                )
        for name, lead in s[side]["ffnn_vs"].items():
            want = [a["median"] / b["median"] for a, b in
                    zip(s[side]["rows"]["ffnn"], s[side]["rows"][name], strict=True)]  # fmt: skip
            assert lead["ratios"] == pytest.approx(want)
    for (point, row), side in zip(s["large_end"].items(), ("width", "batch"), strict=True):
        assert point.startswith(f"{side} {s[side]['points'][-1]},")  # the large end
        for name, share in row.items():
            assert share["gflops"] == s[side]["rows"][name][-1]["gflops"]
            assert share["of_ceiling"] == pytest.approx(share["gflops"] / s["ceiling_gflops"])


def test_sweep_counts_the_flops_of_the_matrix_products():
    # 64-16-16-10: X W = 64*16 + 16*16 + 16*10 = 1440 multiply-adds; dW the same; D W^T for
    # layers 2 and 3 = 16*16 + 16*10 = 416; two FLOPs each
    assert sweep.flops_per_sample(16) == 2 * (2 * 1440 + 416)


def test_sweep_leads_name_where_ffnn_is_faster():
    side = {"points": [1, 2, 4, 8, 16], "ffnn_vs": {"NumPy": {"ratios": [3, 1.5, 0.8, 1.2, 0.5]}}}
    (sentence,) = run.sweep_leads(side, "batch")
    assert "faster than NumPy at batch 1-2, 8, slower at 4, 16" in sentence
    side["ffnn_vs"]["NumPy"]["ratios"] = [2] * 5
    assert "faster than NumPy at every batch" in run.sweep_leads(side, "batch")[0]


# ------------------------------------------------------------------ targets and the report


def _fake_results(**over):
    row = lambda median, **kw: {"median": median, **kw}  # noqa: E731
    results = {
        "boundary": {"rows": {"ffnn": row(1.0), "NumPy": row(2.0), "PyTorch": row(1.5)}},
        "large_batch": {"ceiling_gflops": 50.0, "rows": {
            "ffnn": row(45, of_ceiling=0.9), "NumPy": row(40, of_ceiling=0.8),
            "PyTorch autograd": row(44, of_ceiling=0.88)}},
        "minibatch": {"tables": {"float64": {"ffnn": row(1, vs_numpy=1.6, test_accuracy=0.97)},
                                 "float32": {"ffnn": row(1, vs_numpy=2.1, test_accuracy=0.97)}}},
        "online_sgd": {"rows": {"ffnn": row(2e6, vs_numpy=50.0)}},
        "perceptron": {"rows": {"ffnn": row(6e7, vs_numpy=120.0, same_run_as_ffnn=True)}},
        "widgets_browser": {"notebooks": {"01": {"median_ms": 40.0, "all_ms": [40.0]},
                                          "08": {"median_ms": 90.0, "all_ms": [90.0]}}},
        "playground_frame": {"frame": {"fps": 50.0}},
        "startup": {"cached_startup": {"total_s": 0.3, "import_s": 0.2, "first_call_s": 0.1}},
        "activations": {"ulps": {"tanh": {"max_ulp": 2.0}, "relu": {"max_ulp": 0.0}}},
    }  # fmt: skip
    results.update(over)
    return results


def test_targets_are_the_issue_list_judged_from_the_numbers():
    rows = run.targets(_fake_results())
    assert [t["workload"] for t in rows] == [
        "boundary", "large_batch", "minibatch", "online_sgd", "perceptron", "widgets_browser",
        "playground_frame", "startup", "activations", "equality",
    ]  # fmt: skip
    assert [t["verdict"] for t in rows] == ["met"] * 10, rows
    slow = _fake_results()
    slow["boundary"]["rows"]["ffnn"]["median"] = 1.8  # between PyTorch and NumPy
    slow["large_batch"]["rows"]["ffnn"]["of_ceiling"] = 0.86  # >= 85%, below PyTorch
    slow["widgets_browser"]["notebooks"]["08"]["median_ms"] = 130.0
    slow["activations"]["ulps"]["tanh"]["max_ulp"] = 5.0
    slow["perceptron"]["rows"]["ffnn"]["same_run_as_ffnn"] = False
    by_name = {t["workload"]: t for t in run.targets(slow)}
    assert by_name["boundary"]["verdict"] == "missed"
    assert "PyTorch" in by_name["boundary"]["why"]
    assert "NumPy" not in by_name["boundary"]["why"]
    assert (
        by_name["large_batch"]["verdict"] == "missed" and "PyTorch" in by_name["large_batch"]["why"]
    )
    assert "85%" not in by_name["large_batch"]["why"]
    assert (
        by_name["widgets_browser"]["verdict"] == "missed"
        and "08 130 ms" in by_name["widgets_browser"]["why"]
    )
    assert "01" not in by_name["widgets_browser"]["why"]
    assert by_name["equality"]["verdict"] == "missed" and "perceptron" in by_name["equality"]["why"]
    acts = by_name["activations"]
    assert acts["verdict"] == "missed" and acts["why"] == "tanh 5 ulp"


def test_targets_not_measured_say_why():
    results = _fake_results(widgets_browser={"missing": "Chromium not found at /x"})
    del results["startup"]
    results["boundary"]["rows"].pop("PyTorch")
    results["_failed"] = {"perceptron": "RuntimeError: boom"}
    del results["perceptron"]
    rows = {t["workload"]: t for t in run.targets(results)}
    assert rows["widgets_browser"] == rows["widgets_browser"] | {"verdict": "not measured",
                                             "why": "Chromium not found at /x"}  # fmt: skip
    assert rows["startup"]["verdict"] == "not measured" and "not run" in rows["startup"]["why"]
    assert rows["boundary"]["verdict"] == "not measured"
    assert "PyTorch" in rows["boundary"]["why"]
    assert rows["perceptron"]["verdict"] == "not measured"
    assert "failed: RuntimeError: boom" in rows["perceptron"]["why"]


def test_browser_benchmark_missing_is_reported_and_the_run_goes_on(tmp_path, monkeypatch, capsys):
    monkeypatch.setattr(run, "browser_missing", lambda: "Chromium not found at /nowhere")
    results = run.main(["--quick", "--only", "widgets_browser", "activations",
                        "--out", str(tmp_path)])  # fmt: skip
    assert results["widgets_browser"] == {"missing": "Chromium not found at /nowhere"}
    assert "widgets_browser: missing: Chromium not found at /nowhere" in capsys.readouterr().out
    report = (tmp_path / "RESULTS.md").read_text()
    assert "missing: Chromium not found at /nowhere" in report
    assert "| **not measured** | Chromium not found at /nowhere |" in report
    assert "## 10. Activation accuracy" in report


def test_browser_missing_names_what_is_absent(monkeypatch):
    real = importlib.util.find_spec
    monkeypatch.setattr(
        importlib.util, "find_spec",
        lambda name: None if name == "benchmarks.widgets_browser" else real(name),
    )  # fmt: skip
    assert run.browser_missing() == "benchmarks/widgets_browser.py does not exist"
    monkeypatch.setattr(importlib.util, "find_spec", lambda name: object())
    monkeypatch.setattr(run, "CHROMIUM", "/nonexistent/chromium")
    monkeypatch.setattr(run.shutil, "which", lambda name: None)
    assert run.browser_missing() == "Chromium not found at /nonexistent/chromium (apt: chromium)"


def test_a_failing_browser_run_does_not_break_the_suite(monkeypatch):
    def broken(quick):
        raise RuntimeError("JupyterLab did not start")

    fake = types.SimpleNamespace(run=broken)
    monkeypatch.setattr(run, "browser_missing", lambda: None)
    monkeypatch.setitem(sys.modules, "benchmarks.widgets_browser", fake)
    monkeypatch.setattr(benchmarks, "widgets_browser", fake, raising=False)
    got = run.widgets_browser(quick=True)
    assert got == {"missing": "the browser run failed: RuntimeError: JupyterLab did not start"}
    fake.run = lambda quick: {"01_perceptron": {"median_ms": 42.0, "all_ms": [40.0, 42.0, 50.0]}}
    got = run.widgets_browser(quick=True)
    assert got["notebooks"]["01_perceptron"]["median_ms"] == 42.0
    assert "| 01_perceptron | 42 | 3 | 40 - 50 |" in "\n".join(run._widgets_md(got))


def test_ulps_counts_units_in_the_last_place():
    one = np.array([1.0, 1.0, np.inf, np.nan, 0.0])
    assert common.ulps(one[:1] + 3 * np.spacing(1.0), one[:1]) == 3
    assert common.ulps(one[2:], one[2:]) == 0  # inf = inf, nan = nan, 0 = 0
    assert common.ulps([np.nan], [1.0]) == np.inf
    assert common.ulps([-1.0], [1.0]) > 1e15


def test_activation_accuracy_is_measured_on_the_extremes(quick):
    _, r = quick
    u = r["activations"]["ulps"]
    assert set(u) == {"sigmoid", "tanh", "relu", "leaky_relu", "elu", "softmax"}
    assert u["relu"]["max_ulp"] == 0 and u["leaky_relu"]["max_ulp"] == 0
    grid = common.activation_grid()
    assert grid.min() == -np.inf and grid.max() == np.inf and 5e-324 in grid and 1e308 in grid


def test_the_report_says_when_the_machine_was_busy():
    quiet = {"cores": 2, "load_at_start": 0.4, "load_at_end": 1.9}
    (line, _) = run._load_line(quiet)
    assert "0.4 at the start, 1.9 at the end" in line and "busy" not in line
    (line, _) = run._load_line(quiet | {"load_at_end": 7.5})
    assert "busy with other work" in line


def test_skip_leaves_out_the_named_workloads(tmp_path):
    results = run.main(["--quick", "--only", "activations", "perceptron", "--skip", "perceptron",
                        "--out", str(tmp_path)])  # fmt: skip
    assert "activations" in results and "perceptron" not in results
    assert "perceptron was not run" in (tmp_path / "RESULTS.md").read_text()
