"""Loads a DAG file against the Airflow stub and prints what it declares as JSON.

usage: PYTHONPATH=<stub> python3 probe.py DAG_FILE LOGICAL_DATE
Each task's bash_command is rendered for the date ({{ ds }}) and split as bash would (shlex).
"""
import importlib.util
import json
import shlex
import sys
from datetime import timedelta

import airflow

path, ds = sys.argv[1], sys.argv[2]
spec = importlib.util.spec_from_file_location("dag_under_test", path)
module = importlib.util.module_from_spec(spec)
spec.loader.exec_module(module)
if len(airflow.DAGS) != 1:
    raise SystemExit(f"expected one DAG in {path}, found {len(airflow.DAGS)}")
dag = airflow.DAGS[0]


def plain(v):
    if isinstance(v, timedelta):
        return v.total_seconds()
    if isinstance(v, dict):
        return {k: plain(x) for k, x in v.items()}
    if isinstance(v, (list, tuple)):
        return [plain(x) for x in v]
    if isinstance(v, (str, int, float, bool)) or v is None:
        return v
    return str(v)


print(json.dumps({
    "dag_id": dag.dag_id,
    "kwargs": plain(dag.kwargs),
    "tasks": {t: shlex.split(op.bash_command.replace("{{ ds }}", ds)) for t, op in dag.tasks.items()},
    "edges": dag.edges,
    "task_kwargs": {t: plain(op.kwargs) for t, op in dag.tasks.items()},
    "commands_table": module.commands(ds),
}))
