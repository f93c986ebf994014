"""``python -m benchmarks.run [--quick] [--only NAME ...] [--out DIR]``: run the suite, write
results.json, RESULTS.md and results.png (to benchmarks/ unless --out)."""

import argparse
import importlib.util
import json
import os
import shutil
import time
import traceback
from pathlib import Path

from . import (
    boundary,
    grading,
    large_batch,
    minibatch,
    online_sgd,
    perceptron,
    playground_frame,
    startup,
    sweep,
)
from .common import activation_ulps, fmt_rate, machine

CHROMIUM = "/usr/bin/chromium"


def browser_missing():
    """Why the browser benchmark cannot run here, or None."""
    if importlib.util.find_spec("benchmarks.widgets_browser") is None:
        return "benchmarks/widgets_browser.py does not exist"
    if importlib.util.find_spec("playwright") is None:
        return "playwright is not installed (pip: the test extra)"
    if not (Path(CHROMIUM).exists() or shutil.which("chromium")):
        return f"Chromium not found at {CHROMIUM} (apt: chromium)"
    return None


def widgets_browser(quick=False):
    """Slider-to-figure times of the widget notebooks in JupyterLab/Chromium
    (benchmarks/widgets_browser.py); {"missing": why} when it cannot run or fails."""
    why = browser_missing()
    if why:
        return {"missing": why}
    try:
        from . import widgets_browser as browser

        notebooks = browser.run(quick=quick)
    except Exception as exc:  # noqa: BLE001 -- a browser that fails must not stop the suite
        return {"missing": f"the browser run failed: {type(exc).__name__}: {exc}"}
    return {
        "title": "Widgets in the browser: slider-to-figure time in JupyterLab/Chromium",
        "notebooks": notebooks,
    }


def activations(quick=False):
    """Largest distance of each ffnn activation from NumPy's, in ulp, on a dense grid."""
    return {"title": "Activation accuracy against NumPy", "ulps": activation_ulps()}


WORKLOADS = {
    "online_sgd": online_sgd.run,
    "minibatch": minibatch.run,
    "large_batch": large_batch.run,
    "perceptron": perceptron.run,
    "boundary": boundary.run,
    "playground_frame": playground_frame.run,
    "startup": startup.run,
    "grading": grading.run,
    "sweep": sweep.run,
    "activations": activations,
    "widgets_browser": widgets_browser,
}
HERE = Path(__file__).resolve().parent


# ------------------------------------------------------------------ tables


def _rate_table(rows, unit, extra=()):
    head = f"| backend | {unit} (median) | min - max | vs NumPy |"
    head += "".join(f" {label} |" for label, _ in extra)
    lines = [head, "|" + " --- |" * (4 + len(extra))]
    for name, r in rows.items():
        cells = [
            name,
            fmt_rate(r["median"]),
            f"{fmt_rate(r['min'])} - {fmt_rate(r['max'])}",
            f"{r['vs_numpy']:.2f}x",
        ]
        cells += [fn(r) for _, fn in extra]
        lines.append("| " + " | ".join(cells) + " |")
    return "\n".join(lines)


def _ms_table(rows):
    lines = [
        "| backend | ms per frame (median) | min - max | speed vs NumPy |",
        "| --- | --- | --- | --- |",
    ]
    for name, r in rows.items():
        lines.append(
            f"| {name} | {r['median']:.2f} | {r['min']:.2f} - {r['max']:.2f} | "
            f"{r['vs_numpy']:.2f}x |"
        )
    return "\n".join(lines)


MET, MISSED, NOT_MEASURED = "met", "missed", "not measured"


def _target(target, measured, ok, why=""):
    return {"target": target, "measured": measured, "verdict": MET if ok else MISSED,
            "why": "" if ok else why}  # fmt: skip


def _times(a, b):
    """'2.1x' or '0.48x' -- a ratio, short."""
    return f"{a / b:.2g}x"


def _torch(rows):
    """The name of the PyTorch row (the workloads call it "PyTorch" or "PyTorch autograd")."""
    return next((k for k in rows if k.startswith("PyTorch")), None)


def _boundary(r):
    rows = r["rows"]
    ours = rows["ffnn"]["median"]
    peers = {k: rows[k]["median"] for k in ("NumPy", "PyTorch") if k in rows}
    measured = f"ffnn {ours:.2f} ms; " + ", ".join(f"{k} {v:.2f} ms" for k, v in peers.items())
    if _torch(peers) is None:
        return {"target": None, "measured": measured, "why": "PyTorch is not installed"}
    slower = [k for k, v in peers.items() if ours >= v]
    why = "slower than " + ", ".join(f"{k} ({_times(ours, peers[k])} its time)" for k in slower)
    return _target(None, measured, not slower, why)


def _large_batch(r):
    rows = r["rows"]
    ours = rows["ffnn"]["of_ceiling"]
    torch = rows[_torch(rows)]["of_ceiling"] if _torch(rows) else None
    measured = f"ffnn {100 * ours:.0f}% of {r['ceiling_gflops']:.0f} GFLOP/s"
    if torch is None:
        return {"target": None, "measured": measured, "why": "PyTorch is not installed"}
    measured += f", PyTorch {100 * torch:.0f}%, NumPy {100 * rows['NumPy']['of_ceiling']:.0f}%"
    why = [f"{100 * (torch - ours):.0f} points below PyTorch"] if ours < torch else []
    why += [f"{100 * (0.85 - ours):.0f} points short of 85%"] if ours < 0.85 else []
    return _target(None, measured, not why, "; ".join(why))


def _minibatch(r):
    f64, f32 = (r["tables"][d]["ffnn"]["vs_numpy"] for d in ("float64", "float32"))
    why = [f"float64 {f64:.2f}x < 1.5x"] if f64 < 1.5 else []
    why += [f"float32 {f32:.2f}x < 2x"] if f32 < 2 else []
    return _target(None, f"{f64:.2f}x NumPy f64, {f32:.2f}x f32", not why, "; ".join(why))


def _online(r):
    x = r["rows"]["ffnn"]["vs_numpy"]
    rate = fmt_rate(r["rows"]["ffnn"]["median"])
    return _target(None, f"{x:.0f}x NumPy ({rate} samples/s)", x >= 45, f"{x:.0f}x < 45x")


def _perceptron(r):
    x = r["rows"]["ffnn"]["vs_numpy"]
    rate = fmt_rate(r["rows"]["ffnn"]["median"])
    return _target(None, f"{x:.0f}x NumPy per sample ({rate} steps/s)", x >= 100,
                   f"{x:.0f}x < 100x")  # fmt: skip


def _widgets(r):
    if "missing" in r:
        return {"target": None, "measured": "", "why": r["missing"]}
    ms = {name: nb["median_ms"] for name, nb in r["notebooks"].items()}
    if not ms:
        return {"target": None, "measured": "", "why": "no notebook was measured"}
    slow = {k: v for k, v in ms.items() if v > 100}
    worst = max(ms, key=ms.get)
    measured = f"{len(ms)} notebooks, slowest {worst} {ms[worst]:.0f} ms"
    why = "over 100 ms: " + ", ".join(f"{k} {v:.0f} ms" for k, v in slow.items())
    return _target(None, measured, not slow, why)


def _playground(r):
    fps = r["frame"]["fps"]
    return _target(None, f"{fps:.0f} frames/s", fps >= 45, f"{1e3 / fps:.1f} ms per frame > "
                   f"{1e3 / 45:.1f} ms")  # fmt: skip


def _startup(r):
    s = r["cached_startup"]
    t = s["total_s"]
    return _target(None, f"{t:.2f} s (import {s['import_s']:.2f} s + first call "
                   f"{s['first_call_s']:.2f} s)", t <= 0.35, f"{t - 0.35:.2f} s over")  # fmt: skip


def _activations(r):
    u = {k: v["max_ulp"] for k, v in r["ulps"].items()}
    worst = max(u, key=u.get)
    over = {k: v for k, v in u.items() if v > 4}
    why = ", ".join(f"{k} {v:.3g} ulp" for k, v in over.items())
    return _target(None, f"worst: {worst} {u[worst]:.3g} ulp", not over, why)


def equality_checks(results):
    """(check, holds) for every comparison of a peer's result with ffnn's in ``results``."""
    checks = []
    for name in ("online_sgd", "large_batch", "sweep"):
        for peer_name, d in results.get(name, {}).get("max_weight_difference_vs_ffnn", {}).items():
            checks.append((f"{name}: {peer_name} weights within 1e-12", d < 1e-12))
    for peer_name, row in results.get("boundary", {}).get("rows", {}).items():
        if "max_difference_vs_ffnn" in row:
            d = row["max_difference_vs_ffnn"]
            checks.append((f"boundary: {peer_name} outputs within 1e-12", d < 1e-12))
    for peer_name, row in results.get("perceptron", {}).get("rows", {}).items():
        checks.append((f"perceptron: {peer_name} makes ffnn's run", row["same_run_as_ffnn"]))
    for dtype, rows in results.get("minibatch", {}).get("tables", {}).items():
        ours = rows["ffnn"]["test_accuracy"]
        for peer_name, row in rows.items():
            ok = abs(row["test_accuracy"] - ours) <= 0.01
            checks.append((f"minibatch {dtype}: {peer_name} accuracy within 0.01", ok))
    return checks


def _equality(results):
    checks = equality_checks(results)
    if not checks:
        return {"target": None, "measured": "", "why": "no workload with a peer comparison ran"}
    failed = [c for c, ok in checks if not ok]
    return _target(None, f"{len(checks) - len(failed)} of {len(checks)} hold", not failed,
                   "fails: " + "; ".join(failed))  # fmt: skip


# issue 18's "Must show": (target, workload, how it is judged from that workload's result)
TARGETS = [
    ("decision-boundary frame faster than NumPy and PyTorch", "boundary", _boundary),
    ("large batch: share of the GEMM ceiling >= PyTorch's and >= 85%", "large_batch",
     _large_batch),
    ("mini-batch digits >= 1.5x NumPy in float64 and >= 2x in float32", "minibatch", _minibatch),
    ("on-line SGD >= 45x NumPy", "online_sgd", _online),
    ("perceptron >= 100x NumPy per sample", "perceptron", _perceptron),
    ("every widget notebook: median slider-to-figure <= 100 ms in Chromium", "widgets_browser",
     _widgets),
    ("playground >= 45 frames/s", "playground_frame", _playground),
    ("cached start-up <= 0.35 s", "startup", _startup),
    ("every activation within 4 ulp of NumPy's (dense grid incl. the extremes)", "activations",
     _activations),
]  # fmt: skip


def targets(results):
    """One dict per target of issue 18 (target, measured, verdict met/missed/not measured,
    why), judged from the numbers of this run only."""
    out = []
    for target, workload, judge in TARGETS:
        if workload in results.get("_failed", {}):
            why = f"{workload} failed: {results['_failed'][workload]}"
            row = {"measured": "", "verdict": NOT_MEASURED, "why": why}
        elif workload not in results:
            row = {"measured": "", "verdict": NOT_MEASURED, "why": f"{workload} was not run"}
        else:
            try:
                row = judge(results[workload])
            except (KeyError, TypeError, ValueError, ZeroDivisionError) as exc:
                row = {"measured": "", "why": f"{workload}'s result has no {exc}"}
            row.setdefault("verdict", NOT_MEASURED)
        out.append(row | {"target": target, "workload": workload})
    row = _equality(results)
    row.setdefault("verdict", NOT_MEASURED)
    target = "all existing equality checks between backends still hold"
    out.append(row | {"target": target, "workload": "equality"})
    return out


def markdown(results, info, seconds):
    v = info["versions"]
    lines = [
        "# Benchmark results",
        "",
        f"Generated by `make bench` (`python -m benchmarks.run`) on {info['date']} in "
        f"{seconds / 60:.1f} min. Do not edit by hand: rerun it.",
        "",
        f"**Machine:** {info['cpu']}, {info['cores']} cores, {info['memory_gib']} GiB, "
        f"{info['os']}; NumPy BLAS: {info['numpy_blas']}; Numba target CPU: "
        f"{info.get('numba_cpu', '?')}.",
        "",
        "**Versions:** " + ", ".join(f"{k} {val}" for k, val in v.items()) + ".",
        "",
        *_load_line(info),
        "Method: every backend runs the same maths from the same initial weights, in paired "
        "rounds (each round runs every backend once, in a shuffled order) inside one process; "
        "tables give the median and the min - max over rounds, and ratios of medians against "
        "plain NumPy. The machine is shared and noisy: read ratios and medians, not single "
        "runs. See benchmarks/README.md.",
        "",
        '## Targets (issue 18, "Must show")',
        "",
        "Each verdict is computed from the numbers of this run.",
        "",
    ]
    if results.get("_quick"):
        lines += ["**In quick mode (reduced sizes) these verdicts are not comparable with the "
                  "targets.**", ""]  # fmt: skip
    lines += ["| target | measured | verdict | why missed |", "| --- | --- | --- | --- |"]
    lines += [
        f"| {t['target']} | {t['measured']} | **{t['verdict']}** | {t['why']} |"
        for t in targets(results)
    ]
    lines += ["", *_figure(results), ""]
    if "online_sgd" in results:
        r = results["online_sgd"]
        lines += [
            f"## 1. {r['title']}",
            "",
            r["workload"] + ".",
            "",
            _rate_table(r["rows"], r["unit"]),
            "",
        ]
        lines += [_same(r["max_weight_difference_vs_ffnn"]), _missing(r)]
    if "minibatch" in results:
        r = results["minibatch"]
        lines += [f"## 2. {r['title']}", "", r["workload"] + ".", ""]
        for dtype, rows in r["tables"].items():
            acc = (("test accuracy", lambda x: f"{x['test_accuracy']:.4f}"),)
            lines += [f"**{dtype}**", "", _rate_table(rows, r["unit"], acc), ""]
        lines += [_missing(r)]
    if "large_batch" in results:
        r = results["large_batch"]
        share = (("of ceiling", lambda x: f"{100 * x['of_ceiling']:.0f}%"),)
        lines += [
            f"## 3. {r['title']}",
            "",
            r["workload"] + ".",
            "",
            f"GEMM ceiling: {r['ceiling_gflops']:.1f} GFLOP/s.",
            "",
            _rate_table(r["rows"], r["unit"], share),
            "",
        ]
        lines += [_same(r["max_weight_difference_vs_ffnn"]), _missing(r)]
    if "perceptron" in results:
        r = results["perceptron"]
        same = (("same run as ffnn", lambda x: "yes" if x["same_run_as_ffnn"] else "NO"),)
        lines += [
            f"## 4. {r['title']}",
            "",
            r["workload"] + ".",
            "",
            _rate_table(r["rows"], r["unit"], same),
            "",
        ]
    if "boundary" in results:
        r = results["boundary"]
        lines += [f"## 5. {r['title']}", "", r["workload"] + ".", "", _ms_table(r["rows"]), ""]
    if "playground_frame" in results:
        f = results["playground_frame"]["frame"]
        ms = f["ms"]
        lines += [
            f"### {results['playground_frame']['title']}",
            "",
            results["playground_frame"]["workload"] + ".",
            "",
            "| train epoch | views (surface, unit maps, gradients) | render (blit + PNG) | "
            "frame | frames/s |",
            "| --- | --- | --- | --- | --- |",
            f"| {ms['train']:.2f} ms | {ms['views']:.2f} ms | {ms['render']:.2f} ms | "
            f"{ms['frame']:.2f} ms (min {f['frame_range_ms'][0]:.1f}, max "
            f"{f['frame_range_ms'][1]:.1f}) | {f['fps']:.1f} |",
            "",
        ]
    if "startup" in results:
        lines += _startup_md(results["startup"])
    if "grading" in results:
        lines += _grading_md(results["grading"])
    if "sweep" in results:
        lines += _sweep_md(results["sweep"])
    if "widgets_browser" in results:
        lines += _widgets_md(results["widgets_browser"])
    if "activations" in results:
        lines += _activations_md(results["activations"])
    notes = [(n, r["notes"]) for n, r in results.items() if isinstance(r, dict) and r.get("notes")]
    if notes:
        lines += ["## Notes from the workloads", ""]
        lines += [f"* **{name}.** {note}" for name, ns in notes for note in ns] + [""]
    return "\n".join(lines) + "\n"


def _load_line(info):
    """The machine's load during the run, and a warning when other work shared its cores."""
    loads = [info[k] for k in ("load_at_start", "load_at_end") if k in info]
    if not loads:
        return []
    line = (
        f"**Load:** load average (1 min, this run included) {loads[0]:.1f} at the start"
        + (f", {loads[1]:.1f} at the end" if len(loads) > 1 else "")
        + f", on {info['cores']} cores."
    )
    if max(loads) > info["cores"] + 1:
        line += (
            " **The machine was busy with other work during this run: multi-threaded BLAS "
            "slows down sharply when its threads are preempted, so these numbers, the large "
            "sizes above all, understate what the machine does when idle.**"
        )
    return [line, ""]


def _same(diffs):
    parts = ", ".join(f"{k} {v:.1e}" for k, v in diffs.items())
    return f"Same maths: largest weight difference from ffnn after the same training: {parts}.\n"


def _missing(r):
    return f"Missing peers: {', '.join(r['missing'])}.\n" if r.get("missing") else ""


def _seconds_table(what, seconds):
    return (
        [f"| {what} | seconds |", "| --- | --- |"]
        + [f"| {k} | {v:.1f} |" for k, v in seconds.items()]
        + [""]
    )


def _grading_md(g):
    lines = [f"## 7. {g['title']}", ""]
    lines += ["| gradebook | submissions | 1 worker | 2 workers | speed-up (paired) |"]
    lines += ["| --- | --- | --- | --- | --- |"]
    for db in ("sqlite", "postgres"):
        if db in g:
            t = g[db]
            lines.append(
                f"| {db} | {t['submissions']} x {t['rounds']} | {t['per_minute_1']:.0f}/min | "
                f"{t['per_minute_2']:.0f}/min | {t['speedup']:.2f}x |"
            )
    lines.append("")
    if "class" in g:
        c = g["class"]
        lines += [
            f"A generated class of {c['submissions']} submissions (copies of the samples), "
            f"graded end to end with 2 workers: {c['seconds'] / 60:.1f} min "
            f"({c['per_minute']:.0f}/min). The driver records one submission of a Dask run "
            f"in {1000 * g['record_s']:.0f} ms (the single writer: at most "
            f"{60 / g['record_s']:.0f}/min).",
            "",
            "Projected wall time of 10,000 submissions on k such machines (Dask beyond one "
            "machine; the driver's recording caps the rate):",
            "",
            "| machines | " + " | ".join(str(k) for k in g["projection_10k_min"]) + " |",
            "| --- |" + " --- |" * len(g["projection_10k_min"]),
            "| minutes, the driver records | "
            + " | ".join(f"{m:.0f}" for m in g["projection_10k_min"].values())
            + " |",
        ]
        if "projection_10k_workers_record_min" in g:
            lines.append(
                "| minutes, workers record into PostgreSQL (`--record-on-workers`) | "
                + " | ".join(f"{m:.0f}" for m in g["projection_10k_workers_record_min"].values())
                + " |"
            )
        lines.append("")
    return lines


def _startup_md(s):
    c = s["cached_startup"]
    lines = [
        "## 6. Start-up, compilation, notebooks, autograding",
        "",
        f"Cached start-up in a new process ({c['runs']} runs, medians): `import ffnn` "
        f"{c['import_s']:.3f} s + first `loss_and_gradients` {c['first_call_s']:.3f} s = "
        f"**{c['total_s']:.3f} s** (whole process incl. the interpreter: "
        f"{c['process_wall_s']:.2f} s).",
        "",
    ]
    if "cold_compile" in s:
        lines += [
            "Cold compilation of every kernel into an empty cache (`python -m ffnn.warmup`), "
            f"total {s['cold_compile']['process_seconds']:.1f} s:",
            "",
            *_seconds_table("kernel family", s["cold_compile"]["families"]),
        ]
    if "notebooks_s" in s:
        nb = s["notebooks_s"]
        lines += [
            f"Course notebooks executed headless (fresh kernel each), total "
            f"{sum(nb.values()):.0f} s:",
            "",
            *_seconds_table("notebook", nb),
        ]
    if "sandbox" in s:
        b = s["sandbox"]
        lines += [
            f"Grading one submission in the sandbox vs without it (`--unsafe`), "
            f"{b['pairs']} paired runs of `python -m autograder.trusted` on the full/blank/"
            f"partial samples: **{b['sandbox_median_s']:.2f} s vs {b['unsafe_median_s']:.2f} s** "
            f"(medians); overhead {b['overhead_s'] * 1000:.0f} ms, ratio {b['ratio']:.2f} "
            "(target: <= 1.20 and <= 2 s).",
            "",
        ]
    if "autograde" in s:
        a = s["autograde"]
        lo, hi = a["per_submission_range_s"]
        lines += [
            f"Autograding the {a['submissions']} sample submissions: "
            f"**{a['per_submission_median_s']:.2f} s per submission** (median; "
            f"{lo:.2f} - {hi:.2f}; the maximum is the infinite-loop sample stopped by "
            f"the 5 s cell limit), `make grade` total {a['grade_total_s']:.0f} s; "
            f"`make release` {a['release_s']:.0f} s.",
            "",
        ]
    return lines


def _spans(points, flags):
    """The points where ``flags`` holds, as runs of neighbours: '16-64, 1024'."""
    spans, current = [], []
    for p, f in zip(points, flags, strict=True):
        if f:
            current.append(p)
        elif current:
            spans.append(current)
            current = []
    if current:
        spans.append(current)
    return ", ".join(f"{s[0]}-{s[-1]}" if len(s) > 1 else f"{s[0]}" for s in spans)


def sweep_leads(side, axis):
    """Sentences saying where ffnn is faster than each peer along one sweep."""
    out = []
    for peer_name, lead in side["ffnn_vs"].items():
        ahead = [r > 1 for r in lead["ratios"]]
        if all(ahead):
            where = f"faster than {peer_name} at every {axis}"
        elif not any(ahead):
            where = f"slower than {peer_name} at every {axis}"
        else:
            where = (
                f"faster than {peer_name} at {axis} {_spans(side['points'], ahead)}, slower at "
                f"{_spans(side['points'], [not a for a in ahead])}"
            )
        lo, hi = min(lead["ratios"]), max(lead["ratios"])
        out.append(f"ffnn is {where} (ffnn / {peer_name}: {lo:.3g}x - {hi:.3g}x).")
    return out


def _sweep_table(side, axis):
    names = list(side["rows"])
    peers = [n for n in names if n != "ffnn"]
    lines = [
        f"| {axis} | " + " | ".join(f"{n} samples/s" for n in names) + " | "
        + " | ".join(f"ffnn / {n}" for n in peers) + " |",
        "|" + " --- |" * (1 + len(names) + len(peers)),
    ]  # fmt: skip
    for i, p in enumerate(side["points"]):
        cells = [str(p)] + [fmt_rate(side["rows"][n][i]["median"]) for n in names]
        cells += [f"{side['ffnn_vs'][n]['ratios'][i]:.2f}x" for n in peers]
        lines.append("| " + " | ".join(cells) + " |")
    return lines


def _sweep_md(r):
    w, b = r["width"], r["batch"]
    lines = [f"## 8. {r['title']}", "", r["workload"] + ".", ""]
    lines += [f"**(a) Hidden width W, batch {w['batch']}** (medians)", ""]
    lines += _sweep_table(w, "width") + [""]
    lines += [f"**(b) Batch size, width {b['width']}** (medians)", ""]
    lines += _sweep_table(b, "batch") + [""]
    lines += sweep_leads(w, "width") + [""] + sweep_leads(b, "batch") + [""]
    names = list(w["rows"])
    lines += [
        f"Share of the GEMM ceiling ({r['ceiling_gflops']:.1f} GFLOP/s) at the large end "
        "(matrix-product FLOPs of the step per second):",
        "",
        "| point | " + " | ".join(names) + " |",
        "|" + " --- |" * (1 + len(names)),
    ]
    for point, row in r["large_end"].items():
        cells = [f"{row[n]['gflops']:.1f} GFLOP/s ({100 * row[n]['of_ceiling']:.0f}%)"
                 for n in names]  # fmt: skip
        lines.append(f"| {point} | " + " | ".join(cells) + " |")
    lines += ["", _same(r["max_weight_difference_vs_ffnn"]), _missing(r)]
    return lines


def _widgets_md(r):
    lines = ["## 9. Widgets in the browser", ""]
    if "missing" in r:
        return lines + [f"missing: {r['missing']}", ""]
    lines += [
        "Pressing an arrow key on a widget's slider in JupyterLab (Chromium) until its figure or "
        "output changes (benchmarks/widgets_browser.py); target <= 100 ms.",
        "",
        "| notebook | median ms | runs | min - max ms |",
        "| --- | --- | --- | --- |",
    ]
    for name, nb in r["notebooks"].items():
        all_ms = nb.get("all_ms") or [nb["median_ms"]]
        lines.append(
            f"| {name} | {nb['median_ms']:.0f} | {len(all_ms)} | "
            f"{min(all_ms):.0f} - {max(all_ms):.0f} |"
        )
    return lines + [""]


def _activations_md(r):
    lines = [
        "## 10. Activation accuracy",
        "",
        "Largest distance of `ffnn.activations` from the NumPy expression, in units in the last "
        "place of NumPy's value, over a dense grid on [-40, 40], +-10^k for k in [-320, 308] and "
        "the ends (0, subnormals, overflow, infinities); target <= 4 ulp.",
        "",
        "| activation | max ulp | NumPy reference |",
        "| --- | --- | --- |",
    ]
    lines += [f"| {k} | {v['max_ulp']:.3g} | `{v['numpy']}` |" for k, v in r["ulps"].items()]
    return lines + [""]


def figure_alt(results):
    """The alt text of results.png: what its panels show."""
    parts = []
    bars = [n for n in ("online_sgd", "minibatch", "large_batch", "perceptron", "boundary")
            if n in results]  # fmt: skip
    if bars:
        parts.append(
            "horizontal bar charts, one per workload (" + ", ".join(bars).replace("_", " ")
            + "), of each backend's speed relative to plain NumPy on a log scale, ffnn in red"
        )  # fmt: skip
    if "sweep" in results:
        w, b = results["sweep"]["width"], results["sweep"]["batch"]
        parts.append(
            "two log-log line charts of training samples per second, one line per backend "
            f"({', '.join(w['rows'])}): against the hidden width {w['points'][0]} to "
            f"{w['points'][-1]} at batch {w['batch']}, and against the batch size "
            f"{b['points'][0]} to {b['points'][-1]} at width {b['width']}"
        )
    return "; ".join(parts)


def _figure(results):
    alt = figure_alt(results)
    if not alt:
        return []
    return [f"![{alt[0].upper() + alt[1:]}.](results.png)", "",
            f"*Figure (results.png):* {alt}."]  # fmt: skip


# ------------------------------------------------------------------ plot


def plot(results, path):
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    panels = []
    if "online_sgd" in results:
        panels.append(("on-line SGD (samples/s)", results["online_sgd"]["rows"]))
    if "minibatch" in results:
        for dtype, rows in results["minibatch"]["tables"].items():
            panels.append((f"mini-batch {dtype} (samples/s)", rows))
    if "large_batch" in results:
        panels.append(("large batch (GFLOP/s)", results["large_batch"]["rows"]))
    if "perceptron" in results:
        panels.append(("perceptron (steps/s)", results["perceptron"]["rows"]))
    if "boundary" in results:
        rows = {k: {"vs_numpy": v["vs_numpy"]} for k, v in results["boundary"]["rows"].items()}
        panels.append(("boundary frame (speed)", rows))
    sw = results.get("sweep")
    if not panels and not sw:
        return
    from matplotlib.gridspec import GridSpec
    from matplotlib.ticker import NullFormatter

    cols = 3
    bar_rows = -(-len(panels) // cols)
    rows_n = bar_rows + (1 if sw else 0)
    heights = [2.6] * bar_rows + ([3.4] if sw else [])
    fig = plt.figure(figsize=(12.6, sum(heights)))
    grid = GridSpec(rows_n, 2 * cols, figure=fig, height_ratios=heights)
    for i, (title, rows) in enumerate(panels):
        ax = fig.add_subplot(grid[i // cols, 2 * (i % cols) : 2 * (i % cols) + 2])
        names = list(rows)
        values = [rows[n]["vs_numpy"] for n in names]
        colours = ["C3" if n == "ffnn" else "C0" for n in names]
        ax.barh(names, values, color=colours)
        ax.set_xscale("log")
        ax.set_xlim(min(0.3, min(values) / 2), max(3.0, max(values) * 4))
        ax.xaxis.set_minor_formatter(NullFormatter())
        ax.axvline(1.0, color="k", lw=0.8)
        ax.set_title(title, fontsize=9)
        ax.set_xlabel("speed relative to NumPy (log)", fontsize=8)
        ax.tick_params(labelsize=7)
        for y, val in enumerate(values):
            ax.text(val, y, f" {val:.2g}x", va="center", fontsize=7)
    if sw:
        for j, (key, label) in enumerate(
            (("width", f"hidden width (batch {sw['width']['batch']})"),
             ("batch", f"batch size (width {sw['batch']['width']})"))
        ):  # fmt: skip
            ax = fig.add_subplot(grid[bar_rows, cols * j : cols * (j + 1)])
            side = sw[key]
            for k, (name, rows) in enumerate(side["rows"].items()):
                style = {"color": "C3", "lw": 2.2} if name == "ffnn" else {"color": f"C{k - 1}"}
                ax.plot(side["points"], [r["median"] for r in rows], marker="o", ms=3,
                        label=name, **style)  # fmt: skip
            ax.set_xscale("log", base=2)
            ax.set_yscale("log")
            ax.set_xticks(side["points"], [str(p) for p in side["points"]])
            ax.xaxis.set_minor_formatter(NullFormatter())
            ax.yaxis.set_minor_formatter(NullFormatter())
            ax.set_xlabel(label, fontsize=8)
            ax.set_ylabel("training samples/s (log)", fontsize=8)
            ax.set_title(f"scaling sweep: samples/s vs {label}", fontsize=9)
            ax.tick_params(labelsize=7)
            ax.grid(True, which="major", lw=0.3)
            ax.legend(fontsize=7)
    fig.suptitle("ffnn (red) and its peers: speed relative to plain NumPy, and the scaling "
                 "sweep", fontsize=10)  # fmt: skip
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="small sizes, for the smoke test")
    parser.add_argument("--only", nargs="*", choices=list(WORKLOADS), help="run only these")
    parser.add_argument("--skip", nargs="*", default=[], choices=list(WORKLOADS),
                        help="run all but these (grading alone takes most of an hour)")  # fmt: skip
    parser.add_argument("--out", type=Path, default=HERE, help="where to write the results")
    opts = parser.parse_args(argv)
    names = [name for name in opts.only or WORKLOADS if name not in opts.skip]
    info = machine()
    try:
        import llvmlite.binding as ll

        info["numba_cpu"] = ll.get_host_cpu_name()
    except ImportError:
        pass
    info["load_at_start"] = os.getloadavg()[0]
    results, failed, start = {}, {}, time.perf_counter()
    for name in names:
        t0 = time.perf_counter()
        print(f"{name} ...", flush=True)
        try:
            results[name] = WORKLOADS[name](quick=opts.quick)
        except Exception as exc:  # noqa: BLE001 -- report it, run the rest, fail at the end
            traceback.print_exc()
            failed[name] = f"{type(exc).__name__}: {exc}"
        print(f"{name}: {time.perf_counter() - t0:.0f} s", flush=True)
    seconds = time.perf_counter() - start
    info["load_at_end"] = os.getloadavg()[0]
    if opts.quick:
        results["_quick"] = True
    if failed:
        results["_failed"] = failed
    opts.out.mkdir(parents=True, exist_ok=True)
    (opts.out / "results.json").write_text(
        json.dumps(
            {"machine": info, "quick": opts.quick, "results": results}, indent=1, default=float
        )
    )
    (opts.out / "RESULTS.md").write_text(markdown(results, info, seconds))
    plot(results, opts.out / "results.png")
    for name in results:
        if isinstance(results[name], dict) and isinstance(results[name].get("missing"), str):
            print(f"{name}: missing: {results[name]['missing']}")
    for t in [] if opts.quick else targets(results):
        print(f"{t['verdict']:12s} {t['target']}: {t['measured']} {t['why']}")
    print(f"wrote {opts.out / 'RESULTS.md'} in {seconds / 60:.1f} min")
    if failed:
        raise SystemExit("failed: " + "; ".join(f"{k}: {v}" for k, v in failed.items()))
    return results


if __name__ == "__main__":
    main()
