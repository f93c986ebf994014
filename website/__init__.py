"""The course as a static website: ``python -m website.build`` (``make site``) executes the
lecture notebooks and renders them, the syllabus and the assignments' student text with
Sphinx + MyST-NB into dist/site/. Nothing is fetched from the network when the site is built
or read: MathJax and the theme's assets are served from the site itself."""
