"""Agreement pipeline: news articles -> reviewed, source-linked tables of agreements, actors,
dates and stated motives. See README.md.

    from pipeline import load_tables      # the tables as typed pandas DataFrames (pipeline.frames)
"""

__version__ = "0.1.0"
__all__ = ["load_tables", "to_timestamp", "__version__"]


def __getattr__(name: str):
    # lazy (PEP 562): `import pipeline` stays light; load_tables brings pandas, never spaCy
    if name in ("load_tables", "to_timestamp", "Tables"):
        from pipeline import frames
        return getattr(frames, name)
    raise AttributeError(f"module 'pipeline' has no attribute {name!r}")
