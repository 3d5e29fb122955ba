"""Airflow DAG for the TrueROI nightly run: one task per stage, through jobs/trueroi-submit.

ingest_wechat, ingest_ecommerce, ingest_pos, ingest_ads   (in parallel: different silver tables)
        -> identity -> journeys -> attribution -> marts -> report

The report task writes the analyst's page, <TRUEROI_REPORT_DIR>/trueroi-report-<ds>.html, and
publishes its path as the task's XCom (return_value): the command's last line of output is the
path, which is what BashOperator pushes.

Every task runs `jobs/trueroi-submit <job> --date {{ ds }}` (the run's logical date); a task
that fails is retried, and re-running any task is safe (every stage replaces what it wrote for the
date in one Delta transaction). No catchup: a backfill is one command,
`jobs/trueroi-submit nightly --from D --to D`, or `airflow dags backfill`.

Settings (environment of the Airflow worker, read when the DAG file is parsed):
  TRUEROI_HOME          checkout or install directory holding jobs/ and target/ (default /opt/trueroi)
  TRUEROI_CONF          optional config file passed to every job with --conf
  TRUEROI_SCHEDULE      cron schedule (default "0 3 * * *": 03:00 in the Airflow time zone)
  TRUEROI_REPORT_DIR    directory of the nightly report pages (default $TRUEROI_HOME/reports)
  TRUEROI_SUBMIT_ARGS   spark-submit options, read by jobs/trueroi-submit itself

The command table is plain Python (`commands`, `UPSTREAM`) so that a test can check it against
the jar's real command line without Airflow installed.
"""
from __future__ import annotations

import os
import shlex
from datetime import datetime, timedelta

TRUEROI_HOME = os.environ.get("TRUEROI_HOME", "/opt/trueroi")
SUBMIT = os.path.join(TRUEROI_HOME, "jobs", "trueroi-submit")
CONF = os.environ.get("TRUEROI_CONF", "")
SCHEDULE = os.environ.get("TRUEROI_SCHEDULE", "0 3 * * *")
REPORT_DIR = os.environ.get("TRUEROI_REPORT_DIR", os.path.join(TRUEROI_HOME, "reports"))
SOURCES = ("wechat", "ecommerce", "pos", "ads")
STAGES = ("identity", "journeys", "attribution", "marts")

# Each task's upstream tasks.
UPSTREAM = {
    "identity": [f"ingest_{s}" for s in SOURCES],
    "journeys": ["identity"],
    "attribution": ["journeys"],
    "marts": ["attribution"],
    "report": ["marts"],
}
# Tasks whose last line of output is their XCom.
XCOM = ("report",)


def commands(ds: str = "{{ ds }}") -> dict[str, list[str]]:
    """task id -> argv of its command, for the logical date ds."""
    conf = ["--conf", CONF] if CONF else []
    out = {f"ingest_{s}": [SUBMIT, "ingest", "--date", ds, "--source", s] + conf for s in SOURCES}
    for stage in STAGES:
        out[stage] = [SUBMIT, stage, "--date", ds] + conf
    out["report"] = [SUBMIT, "report", "--date", ds, "--out", REPORT_DIR] + conf
    return out


def bash_command(argv: list[str]) -> str:
    # Quoted for the shell; the Jinja {{ ds }} is rendered by Airflow before bash sees it.
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
        dag_id="trueroi_nightly",
        description="TrueROI: raw exports -> OneID -> journeys -> attribution -> ROI and LTV marts",
        schedule=SCHEDULE,
        start_date=datetime(2026, 1, 1),
        catchup=False,
        max_active_runs=1,
        default_args={
            "owner": "data-engineering",
            "retries": 2,
            "retry_delay": timedelta(minutes=10),
            "retry_exponential_backoff": True,
            "execution_timeout": timedelta(hours=6),
        },
        tags=["trueroi", "marketing"],
    ) as dag:
        tasks = {task_id: BashOperator(task_id=task_id, bash_command=bash_command(argv),
                                       do_xcom_push=task_id in XCOM)
                 for task_id, argv in commands().items()}
        for task_id, upstream in UPSTREAM.items():
            for u in upstream:
                tasks[u] >> tasks[task_id]
