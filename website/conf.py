"""Sphinx configuration of the course website (website/build.py passes this folder as -c)."""

project = "Feed-forward neural networks"
author = "The ffnn course"
copyright = "the ffnn course authors, MIT licence"

extensions = ["myst_nb", "sphinx-mathjax-offline"]  # MathJax 3 served from _static/mathjax

# the notebooks are executed by website/build.py (FFNN_STATIC_WIDGETS=1), never here
nb_execution_mode = "off"
nb_ipywidgets_js = {}  # no widget manager from a CDN: widgets are still pictures
myst_enable_extensions = ["dollarmath", "amsmath"]
myst_heading_anchors = 3  # SYLLABUS.md#weight-indices
nb_merge_streams = True

mathjax_path = "mathjax/tex-chtml.js"
mathjax3_config = {"options": {"enableMenu": False}}  # the menu loads nothing, but is noise

html_theme = "sphinx_book_theme"
html_title = project
html_theme_options = {
    "show_toc_level": 2,
    "use_download_button": False,
    "use_fullscreen_button": False,
    "use_source_button": False,
    "use_repository_button": False,
}
html_context = {"default_mode": "light"}  # one colour scheme, checked by axe
html_static_path = ["static"]
html_css_files = ["site.css"]
html_js_files = [("site.js", {"defer": "defer"})]
html_show_sourcelink = False
html_copy_source = False
html_last_updated_fmt = None

exclude_patterns = ["_build", "**.ipynb_checkpoints"]
suppress_warnings = ["mystnb.unknown_mime_type"]
