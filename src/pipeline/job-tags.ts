/** The run tags a pipeline job and its steps carry in the store (read by `job` commands). */
export const TAG = {
  type: 'mlsweep.type',
  file: 'mlsweep.pipeline.file',
  displayName: 'mlsweep.pipeline.display_name',
  status: 'mlsweep.pipeline.status',
  cancel: 'mlsweep.pipeline.cancel_requested',
  pid: 'mlsweep.pipeline.pid',
  overrides: 'mlsweep.pipeline.overrides',
  resumedAt: 'mlsweep.pipeline.resumed_at',
  published: 'mlsweep.pipeline.published',
  step: 'mlsweep.pipeline.step',
  stepType: 'mlsweep.pipeline.step_type',
  component: 'mlsweep.pipeline.component',
  cacheKey: 'mlsweep.pipeline.cache_key',
  reusedFrom: 'mlsweep.pipeline.reused_from',
  outputs: 'mlsweep.pipeline.outputs',
  message: 'mlsweep.pipeline.message',
} as const;
