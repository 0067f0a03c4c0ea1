"""The SparkSession of a job: local on this machine, or whatever `spark-submit --master ...` set up.

Run directly (`credit rescore --engine spark`), pyspark starts its own JVM: `--master` defaults to `local[*]` and
the executors' Python is this interpreter. Submitted (`spark-submit --master yarn|k8s://...|spark://...
cli/credit_cli/__main__.py rescore --engine spark ...`), the session is spark-submit's and nothing here
overrides its master or Python (docs/SPARK.md).
"""

from __future__ import annotations

import logging
import os
import shutil
import sys
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path

from pyspark.sql import SparkSession

# Each task runs one Python worker per core: polars and CatBoost must not start a thread per core in each of them.
DEFAULTS = {
    "spark.ui.showConsoleProgress": "false",
    "spark.sql.session.timeZone": "UTC",
    "spark.executorEnv.POLARS_MAX_THREADS": "1",
    "spark.executorEnv.OMP_NUM_THREADS": "1",
}
_JVM_DIRS = Path("/usr/lib/jvm")
log = logging.getLogger("credit.spark")


def submitted() -> bool:
    """Whether this process was started by spark-submit (which hands pyspark its gateway)."""
    return "PYSPARK_GATEWAY_PORT" in os.environ


def ensure_java() -> None:
    """Point JAVA_HOME at an installed JDK 17+ when neither JAVA_HOME nor `java` is set up (Debian's layout)."""
    if os.environ.get("JAVA_HOME") or shutil.which("java"):
        return
    for version in ("17", "21"):
        for home in sorted(_JVM_DIRS.glob(f"*{version}*")):
            if (home / "bin" / "java").is_file():
                os.environ["JAVA_HOME"] = str(home)
                return
    raise RuntimeError("Spark needs Java 17 or 21: install openjdk-17-jre-headless or set JAVA_HOME")


@contextmanager
def session(master: str | None = None, conf: Mapping[str, str] | None = None) -> Iterator[SparkSession]:
    """The active session if there is one (tests, a notebook), else a new one stopped on exit. `conf` holds the
    user's settings (--conf): they win over DEFAULTS and over the jobs' own defaults (chosen, below)."""
    active = SparkSession.getActiveSession()
    if active is not None:
        with _runtime_conf(active, conf or {}):
            yield active
        return
    if not submitted():
        ensure_java()
        # Local executors run this very interpreter (its virtualenv holds the project and its libraries).
        os.environ.setdefault("PYSPARK_PYTHON", sys.executable)
    builder = SparkSession.builder.appName("credit")
    if master is not None:
        builder = builder.master(master)
    for key, value in {**DEFAULTS, **(conf or {})}.items():
        builder = builder.config(key, value)
    spark = builder.getOrCreate()
    try:
        yield spark
    finally:
        spark.stop()


def chosen(spark: SparkSession, key: str) -> bool:
    """Whether the session's settings name `key` (--conf, spark-submit --conf, spark-defaults.conf, a runtime
    `spark.conf.set`), as opposed to Spark's built-in default: a job's own default must then give way."""
    return bool(spark._jsparkSession.sessionState().conf().contains(key))


@contextmanager
def _runtime_conf(spark: SparkSession, conf: Mapping[str, str]) -> Iterator[None]:
    """Joining a running session: the settings a running session can change, for the time of the command (the
    session's own values come back after); the others (memory, master...) are fixed once its JVM runs."""
    previous: dict[str, str | None] = {}
    for key, value in conf.items():
        if not spark.conf.isModifiable(key):
            log.warning("%s cannot change in a running Spark session: ignored", key)
            continue
        previous[key] = spark.conf.get(key) if chosen(spark, key) else None
        spark.conf.set(key, value)
    try:
        yield
    finally:
        for key, before in previous.items():
            if before is None:
                spark.conf.unset(key)
            else:
                spark.conf.set(key, before)
