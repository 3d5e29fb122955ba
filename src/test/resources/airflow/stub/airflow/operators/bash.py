"""Stub of Airflow 2's BashOperator (see airflow/__init__.py)."""
from airflow import _current


class BashOperator:
    def __init__(self, task_id, bash_command, **kwargs):
        if not _current:
            raise RuntimeError("operator created outside a DAG context: " + task_id)
        self.dag = _current[-1]
        if task_id in self.dag.tasks:
            raise RuntimeError("duplicate task id " + task_id)
        self.task_id = task_id
        self.bash_command = bash_command
        self.kwargs = kwargs
        self.dag.tasks[task_id] = self

    def __rshift__(self, other):
        for o in other if isinstance(other, list) else [other]:
            self.dag.edges.append([self.task_id, o.task_id])
        return other
