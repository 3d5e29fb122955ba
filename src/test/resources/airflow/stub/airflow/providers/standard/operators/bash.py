"""Stub of Airflow 3's BashOperator location."""
from airflow.operators.bash import BashOperator  # noqa: F401
