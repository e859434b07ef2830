"""Rendering: plan the briefs, skip unchanged ones, execute notebooks on warm kernels, export
HTML and write the index page."""
