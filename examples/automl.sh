#!/bin/sh
# The main job, end to end in under a minute: AutoML on a CSV file with a 30-second budget,
# then batch scoring with the saved pipeline; the HTML report lands in /tmp/mlsweep-report.html. Run from the repository root.
set -e
npm run -s mlsweep -- automl --train datasets/breast_cancer.csv --target target \
  --primary-metric AUC_weighted --timeout-minutes 0.5 --out /tmp/mlsweep-model.json \
  --report /tmp/mlsweep-report.html
npm run -s mlsweep -- predict --model /tmp/mlsweep-model.json --data datasets/breast_cancer.csv \
  --out /tmp/mlsweep-predictions.csv --proba
head -3 /tmp/mlsweep-predictions.csv
