"""Small ipywidgets builders shared by the notebook widgets."""

import numpy as np


def log_slider(value, lo, hi, description):
    """A slider over [lo, hi] on a log10 scale (steps of 10^0.05), acting on release."""
    import ipywidgets as w

    return w.FloatLogSlider(value=value, base=10, min=np.log10(lo), max=np.log10(hi), step=0.05,
                            description=description, continuous_update=False)  # fmt: skip
