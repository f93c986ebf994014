"""An accessible slider: a native <input type="range"> with a <label> tied to it.

ipywidgets' sliders draw their handle as a <div role="slider"> with no accessible name and
no way to give it one from Python, so a screen reader announces "slider, 0.5" and axe-core
reports it (aria-input-field-name, serious). This one is the browser's own range input: its
label names it, arrow keys, Page Up/Down, Home and End move it, Tab reaches it once, and the
value shows next to it in an <output>. It has the traits the notebooks use of an ipywidgets
slider (value, min, max, step, description, continuous_update, disabled, readout_format) and
is a ValueWidget, so ``observe(..., "value")`` and ``interactive`` work as before.

On a log scale (``base`` > 0) the input moves the exponent: value = base ** position.
"""

import anywidget
import ipywidgets as W
import traitlets as T

_ESM = r"""
function format(value, spec) {
  const m = /^\.?(\d+)([fegd%])$/.exec(spec || "");
  if (!m) return String(value);
  const digits = Number(m[1]);
  if (m[2] === "f") return value.toFixed(digits);
  if (m[2] === "e") return value.toExponential(digits);
  if (m[2] === "%") return (100 * value).toFixed(digits) + "%";
  if (m[2] === "d") return String(Math.round(value));
  return Number(value.toPrecision(Math.max(digits, 1))).toString();
}

function render({ model, el }) {
  const id = "ffnn-slider-" + Math.random().toString(36).slice(2);
  const label = document.createElement("label");
  const input = document.createElement("input");
  const output = document.createElement("output");
  label.htmlFor = id;
  input.id = id;
  input.type = "range";
  output.htmlFor = id;
  output.setAttribute("aria-hidden", "true");  // the input announces its own value
  el.classList.add("ffnn-slider");
  el.append(label, input, output);

  const log = () => model.get("base") > 0;
  const toPosition = (v) => (log() ? Math.log(v) / Math.log(model.get("base")) : v);
  const toValue = (p) => (log() ? Math.pow(model.get("base"), p) : p);
  const shown = () => format(model.get("value"), model.get("readout_format"));

  function draw() {
    label.textContent = model.get("description");
    input.min = model.get("min");
    input.max = model.get("max");
    input.step = model.get("step");
    input.value = toPosition(model.get("value"));
    input.disabled = model.get("disabled");
    input.setAttribute("aria-valuetext", shown());
    output.textContent = shown();
  }
  function send() {
    model.set("value", toValue(Number(input.value)));
    model.save_changes();
  }
  input.addEventListener("input", () => {
    output.textContent = format(toValue(Number(input.value)), model.get("readout_format"));
    if (model.get("continuous_update")) send();
  });
  input.addEventListener("change", send);
  // JupyterLab binds the arrow keys to notebook commands (select the cell above or below)
  // and cancels them before the range input can move, so the keys the input uses stop here.
  const OWN_KEYS = ["ArrowLeft", "ArrowRight", "ArrowUp", "ArrowDown",
                    "PageUp", "PageDown", "Home", "End"];
  input.addEventListener("keydown", (event) => {
    if (OWN_KEYS.includes(event.key)) event.stopPropagation();
  });
  model.on("change", draw);
  draw();
}
export default { render };
"""

_CSS = """
.ffnn-slider { display: flex; align-items: center; gap: 0.5em; margin: 2px 0; }
.ffnn-slider label { min-width: 9em; text-align: right; }
.ffnn-slider input { width: 16em; }
.ffnn-slider output { min-width: 4em; font-variant-numeric: tabular-nums; }
"""


class Slider(anywidget.AnyWidget, W.ValueWidget):
    """A labelled range input over [min, max] in steps of ``step`` (see the module doc)."""

    _esm = _ESM
    _css = _CSS
    value = T.Float(0.0).tag(sync=True)
    min = T.Float(0.0).tag(sync=True)
    max = T.Float(1.0).tag(sync=True)
    step = T.Float(0.1).tag(sync=True)
    base = T.Float(0.0).tag(sync=True)
    description = T.Unicode("").tag(sync=True)
    readout_format = T.Unicode(".3g").tag(sync=True)
    continuous_update = T.Bool(False).tag(sync=True)
    disabled = T.Bool(False).tag(sync=True)

    def __init__(self, value=0.0, *, min=0.0, max=1.0, step=0.1, base=0.0, **kwargs):
        if not min < max:
            raise ValueError(f"Slider needs min < max, got min={min}, max={max}")
        if step <= 0:
            raise ValueError(f"Slider needs a positive step, got {step}")
        if base and base <= 1:
            raise ValueError(f"Slider's log base must be > 1, got {base}")
        super().__init__(value=value, min=min, max=max, step=step, base=base, **kwargs)

    @T.validate("value")
    def _clip(self, proposal):
        """Keep the value on the scale, as ipywidgets' sliders do."""
        v = proposal["value"]
        lo, hi = (self.base**self.min, self.base**self.max) if self.base else (self.min, self.max)
        return float(lo if v < lo else hi if v > hi else v)


class IntSlider(Slider):
    """A Slider whose value is an integer."""

    value = T.Int(0).tag(sync=True)
    min = T.Int(0).tag(sync=True)
    max = T.Int(10).tag(sync=True)
    step = T.Int(1).tag(sync=True)
    readout_format = T.Unicode("d").tag(sync=True)

    def __init__(self, value=0, *, min=0, max=10, step=1, **kwargs):
        super().__init__(value=value, min=min, max=max, step=step, **kwargs)

    @T.validate("value")
    def _clip(self, proposal):
        return int(round(min(max(proposal["value"], self.min), self.max)))
