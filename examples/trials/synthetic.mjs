#!/usr/bin/env node
// A stand-in training script for the example sweeps: takes `--name value` pairs,
// computes a deterministic synthetic loss from them, and reports it once per "epoch"
// in mlsweep's metrics protocol (a `##mlsweep {json}` line on stdout), with
// accuracy = 1 / (1 + loss). `--epochs N` sets the number of reports (default 5).
const args = {};
const argv = process.argv.slice(2);
for (let i = 0; i < argv.length; i += 2) args[argv[i].replace(/^--/, '')] = argv[i + 1];
const epochs = Number(args.epochs ?? 5);
delete args.epochs;

let base = 0;
for (const [name, raw] of Object.entries(args)) {
  const value = Number(raw);
  if (Number.isFinite(value)) {
    // Each numeric parameter is best near 10^-3 on a log scale, or near 0.5 for small values.
    base += Math.abs(value) < 1 ? (value - 0.5) ** 2 : (Math.log10(Math.abs(value) + 1e-12) + 3) ** 2 / 100;
  } else {
    base += ([...`${name}=${raw}`].reduce((h, c) => (h * 31 + c.charCodeAt(0)) % 997, 7) % 10) / 50;
  }
}
for (let step = 1; step <= epochs; step++) {
  const loss = base + 1 / step;
  console.log(`##mlsweep ${JSON.stringify({ loss, accuracy: 1 / (1 + loss), step })}`);
}
