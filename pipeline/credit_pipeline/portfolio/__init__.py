"""Portfolio jobs over Kaggle-format folders: per-client features and rescoring, on one machine or on Spark.

Two engines, one definition: `local` runs credit_core.features' polars plan on this machine; `spark` runs the
same plan's steps (credit_core.features.build: application step, each history group's step, the left join on
SK_ID_CURR, the finishing step) with Spark doing the reading, the shuffles by client and the joins. Both write
Parquet partitioned by client bucket (layout.py) and a JSON summary (summary.py).
"""
