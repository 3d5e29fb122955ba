"""Airflow DAG for TrueROI's weekly housekeeping: `jobs/trueroi-submit maintain`.

It compacts every table's small files (OPTIMIZE) and deletes the files no table version within
trueroi.runs.vacuum-retention (default 7 days) needs (VACUUM), so analysts can time-travel
(VERSION AS OF) that far back and no further. It takes the same warehouse lock as a night: if the
night is still running, it fails at once naming it, and its retry runs after.

Settings (environment of the Airflow worker, read when the DAG file is parsed):
  TRUEROI_HOME              checkout or install directory holding jobs/ and target/ (default /opt/trueroi)
  TRUEROI_CONF              optional config file passed with --conf
  TRUEROI_MAINTAIN_SCHEDULE cron schedule (default "0 5 * * 0": Sundays 05:00, after the 03:00 night)
  TRUEROI_SUBMIT_ARGS       spark-submit options, read by jobs/trueroi-submit itself

The command table is plain Python (`commands`) so that a test can check it against the jar's real
command line without Airflow installed.
"""
from __future__ import annotations

import os
import shlex
from datetime import datetime, timedelta

TRUEROI_HOME = os.environ.get("TRUEROI_HOME", "/opt/trueroi")
SUBMIT = os.path.join(TRUEROI_HOME, "jobs", "trueroi-submit")
CONF = os.environ.get("TRUEROI_CONF", "")
SCHEDULE = os.environ.get("TRUEROI_MAINTAIN_SCHEDULE", "0 5 * * 0")


def commands(ds: str = "{{ ds }}") -> dict[str, list[str]]:
    """task id -> argv of its command (maintain takes no date; ds is accepted for the probe)."""
    conf = ["--conf", CONF] if CONF else []
    return {"maintain": [SUBMIT, "maintain"] + conf}


def bash_command(argv: list[str]) -> str:
    return " ".join(shlex.quote(a) for a in argv)


try:
    from airflow import DAG

    try:
        from airflow.providers.standard.operators.bash import BashOperator  # Airflow 3
    except ImportError:
        from airflow.operators.bash import BashOperator  # Airflow 2
except ImportError:  # Airflow is not installed: only the command table is usable
    DAG = None

if DAG is not None:
    with DAG(
        dag_id="trueroi_maintain",
        description="TrueROI: weekly OPTIMIZE and VACUUM of every warehouse table",
        schedule=SCHEDULE,
        start_date=datetime(2026, 1, 1),
        catchup=False,
        max_active_runs=1,
        default_args={
            "owner": "data-engineering",
            "retries": 3,
            "retry_delay": timedelta(minutes=30),
            "execution_timeout": timedelta(hours=6),
        },
        tags=["trueroi", "maintenance"],
    ) as dag:
        for task_id, argv in commands().items():
            BashOperator(task_id=task_id, bash_command=bash_command(argv))
