"""A trial script that logs the way the MLflow client does, with only Python's standard
library (urllib): mlsweep gives it MLFLOW_TRACKING_URI, MLFLOW_EXPERIMENT_ID and
MLFLOW_RUN_ID (its own run), and the sweep ranks it by what it logs.

    python3 train-python.py --lr 0.1 [--epochs 8] [--delay-ms 40]

The calls, in the MLflow client's order: GET runs/get and POST runs/update to RUNNING
(start_run with MLFLOW_RUN_ID), POST runs/log-batch (params, then one batch per epoch), POST runs/set-tag, PUT
mlflow-artifacts (log_artifact), POST runs/update (end_run).
"""

import argparse
import json
import os
import sys
import time
import urllib.parse
import urllib.request

parser = argparse.ArgumentParser()
parser.add_argument("--lr", default="0.1")
parser.add_argument("--epochs", type=int, default=8)
parser.add_argument("--delay-ms", type=float, default=40)
args = parser.parse_args()
# Params are logged as the text the sweep passed: mlsweep recorded them on the run already,
# and a param logged again must have the same value (MLflow's rule).
lr_text = args.lr
args.lr = float(args.lr)

uri = os.environ.get("MLFLOW_TRACKING_URI", "").rstrip("/")
run_id = os.environ.get("MLFLOW_RUN_ID")
if not uri or not run_id:
    sys.exit("MLFLOW_TRACKING_URI and MLFLOW_RUN_ID must be set (mlsweep sets them for its trials)")
token = os.environ.get("MLFLOW_TRACKING_TOKEN")


def request(method, url, body=None, content_type="application/json"):
    headers = {"Content-Type": content_type} if body is not None else {}
    if token:
        headers["Authorization"] = "Bearer " + token
    req = urllib.request.Request(url, data=body, method=method, headers=headers)
    with urllib.request.urlopen(req, timeout=30) as response:
        text = response.read().decode("utf-8")
    return json.loads(text) if text else {}


def call(method, path, payload=None):
    body = None if payload is None else json.dumps(payload).encode("utf-8")
    return request(method, uri + "/api/2.0/mlflow/" + path, body)


def now():
    return int(time.time() * 1000)


# start_run() with MLFLOW_RUN_ID: read the run, then mark it RUNNING (runs/update).
run = call("GET", "runs/get?" + urllib.parse.urlencode({"run_id": run_id}))["run"]
call("POST", "runs/update", {"run_id": run_id, "run_uuid": run_id, "status": "RUNNING"})
call(
    "POST",
    "runs/log-batch",
    {"run_id": run_id, "params": [{"key": "lr", "value": lr_text}, {"key": "epochs", "value": str(args.epochs)}]},
)
loss = 1.0
for step in range(args.epochs):
    # A loss that falls with the epochs, to a floor set by how far lr is from 0.1.
    loss = (args.lr - 0.1) ** 2 + 1 / (step + 2)
    call(
        "POST",
        "runs/log-batch",
        {
            "run_id": run_id,
            "metrics": [
                {"key": "loss", "value": loss, "timestamp": now(), "step": step},
                {"key": "accuracy", "value": 1 - loss / 2, "timestamp": now(), "step": step},
            ],
        },
    )
    time.sleep(args.delay_ms / 1000)
call("POST", "runs/set-tag", {"run_id": run_id, "key": "framework", "value": "python"})

# log_artifact: the run's artifact_uri is mlflow-artifacts:/<path>; the file goes to
# /api/2.0/mlflow-artifacts/artifacts/<path>/<name>.
artifact_uri = run["info"].get("artifact_uri", "")
if artifact_uri.startswith("mlflow-artifacts:"):
    base = artifact_uri[len("mlflow-artifacts:"):].lstrip("/")
else:
    base = "%s/%s/artifacts" % (run["info"]["experiment_id"], run_id)
model = json.dumps({"lr": args.lr, "epochs": args.epochs, "loss": loss}).encode("utf-8")
request("PUT", uri + "/api/2.0/mlflow-artifacts/artifacts/" + base + "/model.json", model)
call("POST", "runs/update", {"run_id": run_id, "run_uuid": run_id, "status": "FINISHED", "end_time": now()})
print("done: loss %s" % loss)
