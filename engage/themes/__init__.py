"""Themes: groups feedback into themes that leaders can read, trust and correct.

The pipeline (`engage.themes.pipeline`, with `embeddings`, `naming`,
`hierarchy`, `steering` and `text`) is pure scikit-learn: importing it loads
no Flask and no database, so it can be run and benchmarked on its own. The
web part (`blueprint`, views, services, jobs) builds on it.
"""
