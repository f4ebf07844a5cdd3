"""Engines that run the parsing chunks: `local` (this process, or a pool of worker processes on
this machine; pipeline.scheduler) and `dask` (a Dask cluster: pipeline.engines.dask_engine).
Every engine gets the same chunks and returns the same bytes, so the outputs are identical."""
