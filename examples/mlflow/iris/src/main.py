"""Azure ML's iris sweep trial (cli/jobs/single-step/scikit-learn/iris in Azure's
azureml-examples), rewritten for Python's standard library: an SVM-like classifier
(softmax regression on kernel features, regularised by 1/C) trained for a few epochs,
logging `training_f1_score` per epoch the way `mlflow.log_metric` does, through the
tracking server named by MLFLOW_TRACKING_URI (mlsweep starts one for the sweep).

    python main.py --iris-csv iris.csv --C 0.7 --kernel rbf --coef0 0.5
"""

import argparse
import csv
import json
import math
import os
import random
import time
import urllib.parse
import urllib.request

parser = argparse.ArgumentParser()
parser.add_argument("--iris-csv", required=True)
parser.add_argument("--C", default="1.0")
parser.add_argument("--kernel", default="rbf", choices=["rbf", "linear", "poly"])
parser.add_argument("--coef0", default="0.0")
parser.add_argument("--epochs", type=int, default=10)
args = parser.parse_args()
# Params are logged as the text the sweep passed: mlsweep recorded them on the run already,
# and a param logged again must have the same value (MLflow's rule).
given = {"C": args.C, "kernel": args.kernel, "coef0": args.coef0}
args.C = float(args.C)
args.coef0 = float(args.coef0)

URI = os.environ.get("MLFLOW_TRACKING_URI", "").rstrip("/")
RUN_ID = os.environ.get("MLFLOW_RUN_ID")
TOKEN = os.environ.get("MLFLOW_TRACKING_TOKEN")


def request(method, url, body=None, content_type="application/json"):
    headers = {"Content-Type": content_type} if body is not None else {}
    if TOKEN:
        headers["Authorization"] = "Bearer " + TOKEN
    req = urllib.request.Request(url, data=body, method=method, headers=headers)
    with urllib.request.urlopen(req, timeout=30) as response:
        text = response.read().decode("utf-8")
    return json.loads(text) if text else {}


def mlflow(method, path, payload=None):
    body = None if payload is None else json.dumps(payload).encode("utf-8")
    return request(method, URI + "/api/2.0/mlflow/" + path, body)


def now():
    return int(time.time() * 1000)


# The data: four measurements and a species per row.
with open(args.iris_csv, newline="") as f:
    rows = list(csv.reader(f))
header, rows = rows[0], rows[1:]
classes = sorted({r[-1] for r in rows})
X = [[float(v) for v in r[:-1]] for r in rows]
y = [classes.index(r[-1]) for r in rows]
means = [sum(c) / len(c) for c in zip(*X)]
sds = [math.sqrt(sum((v - m) ** 2 for v in c) / len(c)) or 1.0 for c, m in zip(zip(*X), means)]
X = [[(v - m) / s for v, m, s in zip(x, means, sds)] for x in X]

# Kernel features: the measurements (linear), their products shifted by coef0 (poly), or
# similarities to every class's mean (rbf, width from coef0).
centroids = [[sum(col) / len(col) for col in zip(*[x for x, t in zip(X, y) if t == k])] for k in range(len(classes))]


def features(x):
    if args.kernel == "linear":
        return x + [1.0]
    if args.kernel == "poly":
        return x + [(a * b + args.coef0) for i, a in enumerate(x) for b in x[i:]] + [1.0]
    return [math.exp(-sum((a - b) ** 2 for a, b in zip(x, c)) * args.coef0) for c in centroids] + x + [1.0]


F = [features(x) for x in X]
weights = [[0.0] * len(F[0]) for _ in classes]


def predict(f):
    scores = [sum(w * v for w, v in zip(ws, f)) for ws in weights]
    return scores.index(max(scores)), scores


def macro_f1():
    f1s = []
    predicted = [predict(f)[0] for f in F]
    for k in range(len(classes)):
        tp = sum(1 for p, t in zip(predicted, y) if p == k and t == k)
        fp = sum(1 for p, t in zip(predicted, y) if p == k and t != k)
        fn = sum(1 for p, t in zip(predicted, y) if p != k and t == k)
        f1s.append(0.0 if tp == 0 else 2 * tp / (2 * tp + fp + fn))
    return sum(f1s) / len(f1s)


if URI and RUN_ID:
    # start_run() with MLFLOW_RUN_ID: read the run, then mark it RUNNING (runs/update).
    run = mlflow("GET", "runs/get?" + urllib.parse.urlencode({"run_id": RUN_ID}))["run"]
    mlflow("POST", "runs/update", {"run_id": RUN_ID, "run_uuid": RUN_ID, "status": "RUNNING"})
    mlflow(
        "POST",
        "runs/log-batch",
        {
            "run_id": RUN_ID,
            "params": [{"key": k, "value": v} for k, v in given.items()],
        },
    )

rng = random.Random(0)
order = list(range(len(F)))
rate = 0.1
score = 0.0
for epoch in range(args.epochs):
    rng.shuffle(order)
    for i in order:
        _, scores = predict(F[i])
        top = max(scores)
        exps = [math.exp(s - top) for s in scores]
        total = sum(exps)
        for k in range(len(classes)):
            gradient = exps[k] / total - (1.0 if y[i] == k else 0.0)
            weights[k] = [w - rate * (gradient * v + w / (args.C * len(F))) for w, v in zip(weights[k], F[i])]
    score = macro_f1()
    if URI and RUN_ID:
        mlflow(
            "POST",
            "runs/log-batch",
            {"run_id": RUN_ID, "metrics": [{"key": "training_f1_score", "value": score, "timestamp": now(), "step": epoch}]},
        )
    else:
        print("training_f1_score %s (step %d)" % (score, epoch))

if URI and RUN_ID:
    mlflow("POST", "runs/set-tag", {"run_id": RUN_ID, "key": "estimator_name", "value": "SoftmaxOnKernelFeatures"})
    artifact_uri = run["info"].get("artifact_uri", "")
    base = (
        artifact_uri[len("mlflow-artifacts:"):].lstrip("/")
        if artifact_uri.startswith("mlflow-artifacts:")
        else "%s/%s/artifacts" % (run["info"]["experiment_id"], RUN_ID)
    )
    model = json.dumps({"classes": classes, "kernel": args.kernel, "weights": weights}).encode("utf-8")
    request("PUT", URI + "/api/2.0/mlflow-artifacts/artifacts/" + base + "/model/model.json", model)
    mlflow("POST", "runs/update", {"run_id": RUN_ID, "run_uuid": RUN_ID, "status": "FINISHED", "end_time": now()})
print("training_f1_score: %.4f" % score)
