"""The one task the worker runs (Django's tasks framework; django-tasks-db stores it).

Every background job is a ``Job`` row (what the admin shows); the task carries only its
id, so retrying a job is enqueueing this task again. What each kind of job does is in
editorial/jobs.py.
"""

from django.tasks import task


@task()
def run_job(job_id):
    from . import jobs

    return jobs.run(job_id)
