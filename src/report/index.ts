export { automlReportInput } from './automl-input.ts';
export { readReportInput, reportInputFromStore } from './load.ts';
export { classificationQuality } from './quality.ts';
export { renderReport } from './render.ts';
export type * from './types.ts';
