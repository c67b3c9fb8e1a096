#!/usr/bin/env node
// A stand-in model for the multi-objective examples: a bigger network (--width, --depth)
// is more accurate but slower and larger; dropout near 0.2 helps. Reports accuracy,
// latency_ms and model_size_mb once, in mlsweep's metrics protocol (a `##mlsweep {json}` line).
const args = {};
const argv = process.argv.slice(2);
for (let i = 0; i < argv.length; i += 2) args[argv[i].replace(/^--/, '')] = Number(argv[i + 1]);
const units = args.width * args.depth;
const accuracy = 0.95 - 0.5 / (1 + units / 40) - (args.dropout - 0.2) ** 2;
const latency_ms = 0.5 + 0.02 * units;
const model_size_mb = 0.25 * units;
console.log(`##mlsweep ${JSON.stringify({ accuracy, latency_ms, model_size_mb })}`);
