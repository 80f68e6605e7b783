"""Post-deploy validation: is each router what the plan says, and do the paths and floating IPs answer?

``framework`` says what a check is, ``checks/`` holds one module per check, ``registry`` lists them
in report order and ``runner`` runs them on a lab and prints the report. The checks judge facts that
components/ops/facts reads from each router.
"""
