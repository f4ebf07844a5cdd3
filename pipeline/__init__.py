"""Agreement pipeline: news articles -> reviewed, source-linked tables of agreements, actors,
dates and stated motives. See README.md."""

__version__ = "0.1.0"
