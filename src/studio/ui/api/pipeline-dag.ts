/**
 * A pipeline job as a DAG to draw: its steps as nodes (status, duration, child run) and
 * its bindings as edges. The edges come from the pipeline file the job was run from (its
 * `${{parent.jobs.X.outputs.Y}}` bindings); when that file is gone or no longer parses,
 * from the runs themselves: a step whose input is another step's output path depends on it.
 */
import { existsSync } from 'node:fs';
import { TAG } from '../../../pipeline/job-tags.ts';
import { type JobDetail, type JobStep, pipelineRun, showJob } from '../../../pipeline/jobs.ts';
import { readPipelineFile } from '../../../pipeline/pipeline-spec.ts';
import type { SqliteStore } from '../../../tracking/sqlite-store.ts';

/** A step as a node: `queued` until its run exists. */
export interface DagNode {
  readonly name: string;
  readonly type: string;
  /** queued, running, completed, failed, skipped, reused, canceled. */
  readonly status: string;
  readonly runId?: string;
  readonly reusedFrom?: string;
  readonly startTime?: number;
  readonly endTime?: number;
  readonly durationMs?: number;
  readonly message?: string;
  readonly outputs?: Readonly<Record<string, string>>;
}

/** A binding: `to` reads `from`'s output. */
export interface DagEdge {
  readonly from: string;
  readonly to: string;
  /** `output -> input`, when known. */
  readonly label?: string;
}

/** A job with its DAG. */
export interface JobDag extends Omit<JobDetail, 'steps'> {
  readonly nodes: readonly DagNode[];
  readonly edges: readonly DagEdge[];
  /** `file`: edges from the pipeline file; `runs`: inferred from the recorded inputs and outputs. */
  readonly edgesFrom: 'file' | 'runs';
}

function nodeOf(step: JobStep, type?: string): DagNode {
  const end = step.endTime;
  return {
    name: step.name,
    type: type ?? step.type,
    status: step.status,
    runId: step.runId,
    ...(step.reusedFrom !== undefined ? { reusedFrom: step.reusedFrom } : {}),
    startTime: step.startTime,
    ...(end !== undefined ? { endTime: end, durationMs: end - step.startTime } : {}),
    ...(step.message !== undefined ? { message: step.message } : {}),
    outputs: step.outputs,
  };
}

/** Edges from the pipeline file, or undefined when it cannot be read as it was. */
function fileGraph(
  file: string | undefined,
  store: SqliteStore,
): { order: string[]; edges: DagEdge[]; types: Map<string, string> } | undefined {
  if (file === undefined || !existsSync(file)) return undefined;
  try {
    const spec = readPipelineFile(file, { store });
    const edges: DagEdge[] = [];
    for (const name of spec.order) {
      const step = spec.jobs[name]!;
      for (const [input, value] of Object.entries(step.inputs)) {
        if (value.kind === 'binding' && value.binding.kind === 'step-output') {
          edges.push({ from: value.binding.step, to: name, label: `${value.binding.output} -> ${input}` });
        }
      }
      for (const dep of step.dependsOn) {
        if (!edges.some((e) => e.from === dep && e.to === name)) edges.push({ from: dep, to: name });
      }
    }
    return { order: [...spec.order], edges, types: new Map(spec.order.map((n) => [n, spec.jobs[n]!.type])) };
  } catch {
    return undefined;
  }
}

/** Edges inferred from the runs: an `inputs.X` param equal to (or under) another step's output path. */
function runGraph(store: SqliteStore, steps: readonly JobStep[]): DagEdge[] {
  const edges: DagEdge[] = [];
  for (const step of steps) {
    const params = store.run(step.runId).params;
    for (const [key, value] of Object.entries(params)) {
      if (!key.startsWith('inputs.')) continue;
      for (const other of steps) {
        if (other.name === step.name) continue;
        for (const [output, path] of Object.entries(other.outputs)) {
          if (path !== '' && (value === path || value.startsWith(`${path}/`))) {
            edges.push({
              from: other.name,
              to: step.name,
              label: `${output} -> ${key.slice('inputs.'.length)}`,
            });
          }
        }
      }
    }
  }
  return edges;
}

/**
 * A pipeline job with its steps as nodes and its bindings as edges; steps not yet started
 * (known from the file) are `queued`.
 *
 * @example
 * jobDag(store, runId).nodes.map((n) => `${n.name} ${n.status}`);
 */
export function jobDag(store: SqliteStore, runId: string): JobDag {
  return store.read(() => {
    const { steps, ...job } = showJob(store, runId);
    const graph = fileGraph(pipelineRun(store, runId).tags[TAG.file], store);
    const byName = new Map(steps.map((s) => [s.name, s]));
    const names = graph
      ? [...graph.order, ...steps.map((s) => s.name).filter((n) => !graph.order.includes(n))]
      : steps.map((s) => s.name);
    const nodes = names.map((name): DagNode => {
      const step = byName.get(name);
      return step
        ? nodeOf(step, graph?.types.get(name))
        : { name, type: graph?.types.get(name) ?? 'command', status: 'queued' };
    });
    return {
      ...job,
      nodes,
      edges: graph ? graph.edges : runGraph(store, steps),
      edgesFrom: graph ? 'file' : 'runs',
    };
  });
}
