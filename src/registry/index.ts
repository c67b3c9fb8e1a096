export {
  ModelRegistry,
  type ModelSource,
  type ModelVersion,
  type RegisteredModel,
  type RegisterOptions,
} from './model-registry.ts';
export { checkAlias, checkModelName, type ModelReference, parseModelUri } from './names.ts';
