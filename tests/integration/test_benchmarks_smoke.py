"""The benchmark suite runs end to end in quick mode and every backend computes the same
maths as ffnn. No timing is asserted: speed is reported by `make bench`, never tested."""

import json

import numpy as np
import pytest

from benchmarks import common, online_sgd, run
from benchmarks.common import peer

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def quick(tmp_path_factory):
    out = tmp_path_factory.mktemp("bench")
    results = run.main(["--quick", "--out", str(out)])
    return out, results


def test_quick_run_writes_every_table_and_the_plot(quick):
    out, results = quick
    report = (out / "RESULTS.md").read_text()
    for title in ("## 1. On-line SGD", "## 2. Mini-batch", "## 3. Large batch",
                  "## 4. Perceptron", "## 5. Decision-boundary", "Playground frame",
                  "## 6. Start-up", "## 7. Grading", "**Machine:**", "**Versions:**",
                  "quick mode"):  # fmt: skip
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
