#!/bin/sh
# A shell command trial: any program that prints `##mlsweep {json}` lines can be a
# trial. Usage: train-shell.sh ALPHA DEGREE EPOCHS. It "fits" a curve whose RMSE falls
# over epochs towards a floor set by alpha and degree (best near alpha 0.1, degree 3).
alpha=$1
degree=$2
epochs=${3:-5}
epoch=0
while [ "$epoch" -lt "$epochs" ]; do
  awk -v a="$alpha" -v d="$degree" -v e="$epoch" 'BEGIN {
    floor = 1 + 4 * (log(a) / log(10) + 1) ^ 2 + 0.5 * (d - 3) ^ 2
    printf "##mlsweep {\"rmse\": %.6f, \"step\": %d}\n", floor + 10 / (e + 1), e
  }'
  epoch=$((epoch + 1))
done
echo "fitted alpha=$alpha degree=$degree" >&2
