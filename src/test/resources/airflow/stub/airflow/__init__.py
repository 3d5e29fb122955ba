"""A stand-in for Airflow's DAG, for tests only: records what a DAG file declares.

Airflow is not installable here (no PyPI), so AirflowDagTest loads the real DAG file against
this stub and checks the recorded DAG arguments, tasks and dependencies.
"""
DAGS = []
_current = []


class DAG:
    def __init__(self, dag_id, **kwargs):
        self.dag_id = dag_id
        self.kwargs = kwargs
        self.tasks = {}
        self.edges = []
        DAGS.append(self)

    def __enter__(self):
        _current.append(self)
        return self

    def __exit__(self, *exc):
        _current.pop()
        return False
