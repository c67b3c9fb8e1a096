// The public API of mlsweep: every name a user imports from 'mlsweep', grouped by module in
// the layer order of ../shared/DESIGN.md. Each is documented at its declaration and listed in
// the README's "Public API" section (test/architecture/public-api.test.ts keeps the three in
// step). Everything else is internal: reachable by a deep import of its file, not from here.

export { trialWork } from './automl/counted-work.ts';
// automl: explanations of a pipeline's predictions and permutation importance of its input columns.
export {
  explainPipeline,
  type PipelineExplainOptions,
  type PipelineExplanation,
  pipelineExplainMethod,
} from './automl/explain.ts';
export { type ExplanationColumnsOptions, explanationColumns } from './automl/explain-columns.ts';
export {
  type HoldoutImportanceOptions,
  holdoutPermutationImportance,
  refitPipeline,
} from './automl/holdout-importance.ts';
// automl: the AutoML search, its saved pipeline, and scoring files with it.
export {
  type AutoMLLimits,
  type AutoMLOptions,
  AutoMLPipeline,
  type AutoMLProgress,
  type AutoMLResult,
  type AutoMLValidation,
  automl,
  evaluatePipeline,
  type FrontEntry,
  type LeaderboardEntry,
  type PipelineMember,
  type PredictCsvOptions,
  predictCsv,
  type SerializedPipeline,
} from './automl/index.ts';
export {
  type ColumnImportance,
  type PermutationImportance,
  type PermutationImportanceOptions,
  permutationImportance,
} from './automl/permutation-importance.ts';
export type { ExtraColumns } from './automl/score-table.ts';
export {
  NO_IMPROVEMENT_TRIALS,
  type SearchProgress,
  STALL_FACTOR,
  searchStalled,
} from './automl/stall-rule.ts';
// models: the estimators, their parameters, and the contract they share.
// automl: tracked jobs (a child run per trial), when the search stops, counted work.
export { recordTrialRuns, type TrialRunsOptions } from './automl/track-job.ts';
// compute: the backend choice, column-major matrices, and binning.
export {
  applyBins,
  type BackendChoice,
  type BackendName,
  type BinEdges,
  type BinnedMatrix,
  type BinningOptions,
  binFeatures,
  binFeaturesAsync,
  type ColumnMatrix,
  columnMatrix,
  getBackendChoice,
  matrixFromRows,
  setBackend,
} from './compute/index.ts';
// config: Azure ML v2 sweep files, read into a SweepSpec and turned into sweep() options.
export {
  type EarlyTerminationSpec,
  type InputValue,
  type LimitsSpec,
  loadSweepFile,
  type PathInput,
  type PolicyTiming,
  parseSweep,
  type SpecOverrides,
  type SweepSpec,
  sweepOptionsFromSpec,
  type TrialSpec,
} from './config/index.ts';
// core: the errors mlsweep throws, the trial vocabulary, and the goal comparator.
export {
  BackendUnavailableError,
  ConfigError,
  DataError,
  MlsweepError,
  NotFittedError,
  ShapeError,
  StoreConnectionError,
  TrialError,
  ValidationError,
} from './core/errors.ts';
export { bestValue, type Goal } from './core/goal.ts';
export type {
  FinishedTrial,
  MetricPoint,
  Objective,
  ParamSet,
  ParamValue,
  PendingTrial,
  StopReason,
  Task,
  TrialStatus,
} from './core/trial.ts';
// data/featurize: Azure's featurization settings block.
export {
  type ColumnPurpose,
  type Featurization,
  type FeaturizationSettings,
  type ImputerSetting,
  loadFeaturization,
  parseFeaturization,
} from './data/featurize/settings.ts';
// data: reading CSV into a typed Table, featurization, schemas and splits.
export {
  type Column,
  type ColumnKind,
  type CsvOptions,
  chooseValidation,
  type DatasetSchema,
  Featurizer,
  type FeaturizerOptions,
  type FeaturizerTarget,
  groupKFold,
  holdout,
  isNumericColumn,
  kFold,
  loadFixedSplits,
  loadSchema,
  type NumericColumn,
  type NumericKind,
  parseCsv,
  readCsv,
  readCsvHeader,
  type SerializedFeaturizer,
  type Split,
  type StringColumn,
  type StringKind,
  schemaTypes,
  stratifiedKFold,
  Table,
  type ValidationPlan,
} from './data/index.ts';
// data: MLTable folders, and any file, folder, glob or MLTable read as one table.
export { isMLTable, loadMLTable, type MLTableSpec, parseMLTable } from './data/mltable.ts';
export { readTabular, readTabularHeader, type TabularSource } from './data/read-tabular.ts';
// environment: where commands run (the running Node, a Node project, a conda file as a venv,
// an image), built once into a content-addressed cache under the store.
export {
  EnvironmentBuildError,
  type EnvironmentDefinition,
  type EnvironmentKind,
  type EnvironmentRecord,
  Environments,
  environmentTags,
  type ReadEnvironment,
  type ResolvedEnvironment,
  type ResolveEnvironmentOptions,
  readEnvironmentFile,
  resolveEnvironment,
} from './environment/index.ts';
// metrics: Azure AutoML's metrics (values as scikit-learn's), their suites, catalog and curves.
export {
  type Average,
  type AveragedOptions,
  accuracyScore,
  averagePrecisionScore,
  balancedAccuracyScore,
  brierScore,
  type CalibrationOptions,
  type CalibrationPoint,
  type ClassificationMetrics,
  type ClassificationMetricsOptions,
  type ConfusionMatrixResult,
  type CurveOptions,
  calibrationCurve,
  classificationMetrics,
  cohenKappa,
  confusionMatrix,
  cumulativeGainsCurve,
  explainedVariance,
  f1Score,
  falsePositiveRate,
  type GainsPoint,
  isBetter,
  type Label,
  type LabelArray,
  type LabelOptions,
  liftCurve,
  logLoss,
  METRICS,
  type MetricInfo,
  type MetricWarning,
  matthewsCorrelation,
  maxError,
  meanAbsoluteError,
  meanAbsolutePercentageError,
  meanSquaredError,
  medianAbsoluteError,
  metricInfo,
  normalizedMeanAbsoluteError,
  normalizedMedianAbsoluteError,
  normalizedRootMeanSquaredError,
  normalizedRootMeanSquaredLogError,
  normMacroRecall,
  type PrecisionRecallPoint,
  precisionRecallCurve,
  precisionScore,
  type RankingOptions,
  type RateOptions,
  type RegressionMetrics,
  type RegressionOptions,
  type RocPoint,
  r2Score,
  recallScore,
  regressionMetrics,
  rocAucScore,
  rocCurve,
  rootMeanSquaredError,
  rootMeanSquaredLogError,
  type ScoreInput,
  spearmanCorrelation,
  specificityScore,
  weightedAccuracy,
  type ZeroDivision,
} from './metrics/index.ts';
// models: per-row contributions (Shapley values) of fitted estimators.
export {
  type Contributions,
  contributionRow,
  type ExplainedOutput,
  type ExplainOptions,
  explainEstimator,
  type FeatureContribution,
  linearShap,
  type SamplingOptions,
  samplingShap,
  topContributions,
  treeShap,
} from './models/explain/index.ts';
// models: listeners of every outermost fit (what autolog uses).
export {
  addFitListener,
  type FitEvent,
  type FitListener,
  observeFit,
  observeFitAsync,
} from './models/fit-listeners.ts';
// models: the estimators behind Azure AutoML's SGD, SVM, LinearSVM and LassoLars, and
// the additive spline models behind AutoML's GAM.
export {
  BernoulliNB,
  type BernoulliNBParams,
  type Classifier,
  type ClassWeight,
  type ComputeParams,
  DecisionTreeClassifier,
  type DecisionTreeParams,
  DecisionTreeRegressor,
  ElasticNet,
  type ElasticNetParams,
  type EnetPathOptions,
  type Estimator,
  ExtraTreesClassifier,
  ExtraTreesRegressor,
  enetPath,
  estimatorFromJSON,
  type FeatureInput,
  type FitOptions,
  type ForestParams,
  GaussianNB,
  type GaussianNBParams,
  GradientBoostingClassifier,
  type GradientBoostingClassifierParams,
  type GradientBoostingParams,
  GradientBoostingRegressor,
  type GradientBoostingRegressorParams,
  type IterationCallback,
  type IterationInfo,
  KNeighborsClassifier,
  type KNeighborsMetric,
  type KNeighborsParams,
  KNeighborsRegressor,
  type LabelInput,
  Lasso,
  LassoLars,
  type LassoLarsParams,
  type LassoParams,
  LinearRegression,
  type LinearRegressionParams,
  LinearSVC,
  type LinearSVCParams,
  type LogisticPenalty,
  LogisticRegression,
  type LogisticRegressionParams,
  type MaxFeatures,
  MultinomialNB,
  type MultinomialNBParams,
  type Neighbours,
  RandomForestClassifier,
  RandomForestRegressor,
  type Regressor,
  Ridge,
  type RidgeParams,
  type SerializedEstimator,
  SGDClassifier,
  type SGDClassifierParams,
  SGDRegressor,
  type SGDRegressorParams,
  type SgdClassifierLoss,
  type SgdLearningRate,
  type SgdPenalty,
  type SgdRegressorLoss,
  SplineLogisticRegression,
  type SplineLogisticRegressionParams,
  type SplineParams,
  SplineRidge,
  type SplineRidgeParams,
  SVC,
  type SVCKernel,
  type SVCParams,
  type TreeCommonParams,
} from './models/index.ts';
// pipeline: command components, pipeline jobs run as a DAG with step reuse, published pipelines.
export {
  type ComponentSpec,
  type InputPort,
  type OutputPort,
  readComponentFile,
} from './pipeline/component.ts';
export {
  createComponent,
  getComponent,
  listComponents,
  type RegisteredComponent,
} from './pipeline/component-registry.ts';
export {
  type FollowOptions,
  followJob,
  type JobDetail,
  type JobStep,
  type JobSummary,
  listJobs,
  requestCancel,
  showJob,
} from './pipeline/jobs.ts';
export {
  type PipelineSpec,
  parsePipelineText,
  readPipelineFile,
  type StepSpec,
} from './pipeline/pipeline-spec.ts';
export {
  getPublished,
  listPublished,
  type PublishedPipeline,
  publishPipeline,
} from './pipeline/published.ts';
export {
  type PipelineResult,
  type RunPipelineOptions,
  runPipeline,
  type StepResult,
  type StepStatus,
} from './pipeline/runner.ts';
// pipeline/schedules: recurrence, cron and data-change triggers, and the scheduler that fires them.
export {
  type FireEvent,
  fireTimes,
  processLauncher,
  type ReadSchedule,
  readScheduleFile,
  type ScheduleRecord,
  Scheduler,
  type SchedulerOptions,
  type ScheduleSpec,
  ScheduleStore,
  type Trigger,
} from './pipeline/schedules/index.ts';
export { defaultExecutors } from './pipeline/step-executors.ts';
// policies: early termination, built from a sweep file's `early_termination`.
export {
  type AshaSpec,
  type BanditSpec,
  createPolicy,
  type EvaluationSchedule,
  type MedianStoppingSpec,
  type NoPolicySpec,
  type Policy,
  type PolicyDecision,
  type PolicyInput,
  type PolicySpec,
  type ReportedHistory,
  type TruncationSelectionSpec,
} from './policies/index.ts';
// registry: online endpoints and their deployments, kept in the tracking store.
// registry: batch endpoints and their deployments, kept in the store.
export {
  BATCH_DEFAULTS,
  type BatchDeploymentRecord,
  type BatchDeploymentSpec,
  type BatchEndpointRecord,
  type BatchEndpointSpec,
  BatchEndpointStore,
  type OutputAction,
} from './registry/batch-endpoint-store.ts';
// registry: data assets (named, versioned, hashed data), datastores and lineage.
export { type DataAssetFile, readDataAssetFile } from './registry/data-asset-file.ts';
export {
  type DataAsset,
  type DataAssetSpec,
  DataAssets,
  type OpenedDataAsset,
} from './registry/data-assets.ts';
export { type ResolveDataOptions, type ResolvedDataInput, resolveDataInput } from './registry/data-input.ts';
export {
  type DataConsumers,
  type DataLineage,
  dataConsumers,
  runDataLineage,
} from './registry/data-lineage.ts';
export { type DataKind, type DataReference, parseDataReference } from './registry/data-paths.ts';
export {
  createDatastore,
  type Datastore,
  type DatastoreFile,
  type DatastoreSpec,
  deleteDatastore,
  getDatastore,
  listDatastores,
  readDatastoreFile,
  WORKSPACE_BLOB_STORE,
  WORKSPACE_FILE_STORE,
} from './registry/datastores.ts';
export {
  type DeploymentRecord,
  type EndpointRecord,
  EndpointStore,
  type KeyType,
} from './registry/endpoint-store.ts';
export {
  ModelRegistry,
  type ModelSource,
  type ModelVersion,
  type RegisteredModel,
  type RegisterOptions,
} from './registry/index.ts';
// report: self-contained HTML reports of sweeps and AutoML runs.
export {
  type AutomlReportSection,
  automlReportInput,
  type Curve,
  classificationQuality,
  type LeaderboardRow,
  type ReportInput,
  renderReport,
} from './report/index.ts';
// samplers: what suggests parameter sets (grid, random and Sobol, Bayesian: GP and TPE).
export {
  type BayesianMethod,
  BayesianSampler,
  type BayesianSamplerOptions,
  GpSampler,
  type GpSamplerOptions,
  TPESampler,
  type TPESamplerOptions,
} from './samplers/bayes/index.ts';
export {
  GridSampler,
  RandomSampler,
  type RandomSamplerOptions,
  registerSamplerFactory,
  type Sampler,
  type SamplerFactory,
  type SobolOptions,
  SobolSequence,
  type Suggestion,
  samplerFromSpec,
  type TrialHistory,
} from './samplers/index.ts';
// samplers/multi-objective: NSGA-II and MOTPE, Pareto fronts, hypervolume, Deb's constraint rules.
export {
  bestTradeOff,
  constrainedDominates,
  crowdingDistance,
  dominates,
  hypervolume,
  isFeasible,
  lossesOf,
  MOTPESampler,
  type MOTPESamplerOptions,
  NSGA2Sampler,
  type NSGA2SamplerOptions,
  nonDominatedSort,
  paretoFront,
  type SortOptions,
  TRADE_OFF_RULES,
  type TradeOffRule,
  totalViolation,
  tradeOffIndex,
} from './samplers/multi-objective/index.ts';
export type { SamplingSpec } from './samplers/spec.ts';
// serve: the scoring server (Azure /score, MLflow /invocations, OIP v2), endpoint files,
// credentials, data collection and packaging.
export { type AccessToken, checkCredentials, DEFAULT_TOKEN_TTL_MS, issueToken } from './serve/auth.ts';
// serve/batch: batch scoring jobs (files, folders, data assets → mini-batches → one output file).
export {
  type BatchJobError,
  type BatchJobOptions,
  type BatchJobSummary,
  type BatchProgress,
  runBatchJob,
} from './serve/batch/job.ts';
export {
  type BatchDeploymentFile,
  type BatchEndpointFile,
  parseBatchDeploymentYaml,
  parseBatchEndpointYaml,
  readBatchDeploymentFile,
  readBatchEndpointFile,
} from './serve/batch/spec.ts';
export { loadServeConfig, type StoreWatch, type WatchOptions, watchStore } from './serve/catalog.ts';
export {
  type CollectedRecord,
  type CollectionName,
  DataCollector,
  type DataCollectorOptions,
  type DataCollectorStats,
  partitionOf,
} from './serve/data-collector.ts';
export {
  type DeploymentFile,
  type EndpointFile,
  parseDeploymentYaml,
  parseEndpointYaml,
  readDeploymentFile,
  readEndpointFile,
} from './serve/endpoint-spec.ts';
export {
  DeploymentLogs,
  type DeploymentLogsOptions,
  readDeploymentLog,
} from './serve/logs/deployment-logs.ts';
export {
  type PackageOptions,
  type PackageResult,
  packageEndpoint,
} from './serve/package/package-endpoint.ts';
export { createServer, DEFAULT_OPEN_PATHS, type ScoringServer, type ServerOptions } from './serve/server.ts';
export { type SingleModelOptions, singleModelConfig } from './serve/single.ts';
export {
  deploymentLogRoot,
  type StoreServer,
  type StoreServerOptions,
  serveStore,
} from './serve/store-server.ts';
export type { ServeConfig, ServedDeployment, ServedEndpoint } from './serve/types.ts';
// space: distributions and search spaces.
export {
  choice,
  type Distribution,
  type DistributionDefinition,
  type DistributionType,
  lognormal,
  loguniform,
  type NestedParams,
  normal,
  qlognormal,
  qloguniform,
  qnormal,
  quniform,
  type Rng,
  randint,
  type SearchSpace,
  type SearchSpaceDefinition,
  type SpaceParameter,
  searchSpace,
  uniform,
} from './space/index.ts';
// store: the sweep stores (in memory, SQLite, PostgreSQL) and what workers need of them.
export {
  type Awaitable,
  isPostgresUrl,
  MemoryStore,
  type NewSweep,
  type OpenLocationOptions,
  openSweepLocation,
  type PgConnectionOptions,
  PostgresLocation,
  PostgresSweepStore,
  type ResumePlan,
  SqliteSweepStore,
  type StoredTrial,
  type SweepLocation,
  type SweepReader,
  type SweepRecord,
  type SweepRunOptions,
  type SweepStore,
  type SweepWriter,
  type TrialEnd,
} from './store/index.ts';
export type {
  ClaimBatchOptions,
  ClaimChoice,
  ClaimedTrial,
  ClaimState,
  SettleOutcome,
  TrialOutput,
  TrialSettlement,
} from './store/records.ts';
export type { TrialClaims } from './store/sweep-store.ts';
export type {
  TrialBatches,
  TrialLeases,
  WorkerLocation,
  WorkerRecord,
  WorkerState,
} from './store/worker-store.ts';
// studio/mlflow: the MLflow-compatible tracking REST API over a store, and a sweep's use of it.
export { type MlflowApiOptions, registerMlflowApi } from './studio/mlflow/api.ts';
export {
  createTrackingServer,
  MLFLOW_API_VERSION,
  type TrackingServer,
  type TrackingServerOptions,
} from './studio/mlflow/server.ts';
export { type SweepTrackingOptions, sweepTracking } from './studio/mlflow/sweep-tracking.ts';
export type { StudioContext, StudioEvents, StudioTopic } from './studio/ui/context.ts';
export { registerStudio, type StudioHandle, type StudioOptions } from './studio/ui/plugin.ts';
// study: ask/tell from any process on a store, with the sweep engine's samplers and policies.
export {
  type AddTrialOptions,
  type AskedTrial,
  type CreateStudyOptions,
  type LoadStudyOptions,
  Study,
  StudyExhaustedError,
  type StudyStorage,
  type StudyTrial,
  type StudyTrialState,
  type TellOutcome,
  type TellResult,
  TrialFinishedError,
  UnknownTrialError,
  ValueCountError,
} from './study/index.ts';
// sweep: constraints on reported metrics (constrained and multi-objective sweeps).
export { type ConstraintSpec, parseConstraint } from './sweep/constraints.ts';
// sweep: the sweep engine, its options, trials, runners and results.
export {
  type CommandTrial,
  type ModuleTrial,
  type RunContext,
  type Runner,
  readSweepResult,
  Sweep,
  type SweepEvent,
  type SweepLimits,
  type SweepOptions,
  type SweepResult,
  type SweepResume,
  sweep,
  type TrackedSweep,
  type TrackSweepOptions,
  type TrialContext,
  type TrialFunction,
  type TrialResult,
  type TrialReturn,
  trackSweep,
} from './sweep/index.ts';
// sweep: command trials that log with MLflow (MLFLOW_TRACKING_URI, MLFLOW_RUN_ID for each trial).
export {
  configuredTrackingUri,
  type TrackedEvent,
  type TrackedMetric,
  type TrackedRun,
  type TrackingSession,
  type TrackingTarget,
  type TrialTracking,
  trackingEnvironment,
} from './sweep/trial-tracking.ts';
// sweep: warm start, earlier sweeps' trials as prior observations.
export { type WarmStart, type WarmStartOptions, warmStartTrials } from './sweep/warm-start.ts';
// sweep/worker: distributed sweeps, run by workers on any machine that reaches the store.
export {
  ClaimTally,
  type CreateWorkerSweepOptions,
  createWorkerSweep,
  DEFAULT_HEARTBEAT_SECONDS,
  DEFAULT_HEARTBEAT_TIMEOUT_SECONDS,
  type EnvironmentResolver,
  parseWorkerDefinition,
  type SharedLocation,
  sharedLocation,
  type TrialOutcome,
  Worker,
  type WorkerDefinition,
  type WorkerDefinitionInput,
  type WorkerEvent,
  type WorkerOptions,
  type WorkerSummary,
  type WorkerTrialEnvironment,
  workerDefinition,
} from './sweep/worker/index.ts';
// tracking: MLflow-style autolog of estimator fits into the active run.
export { type ActiveRun, activeRun, withActiveRun } from './tracking/active-run.ts';
// studio/ui: the web UI over a store (mlsweep studio), mountable on any fastify app.
export type { AuditEntry } from './tracking/audit-log.ts';
export { type AutologOptions, autolog, isAutologOn } from './tracking/autolog.ts';
// tracking, registry, store: experiments and runs, registered models, the sweep stores.
export {
  type BatchOptions,
  type CreateRunOptions,
  type Experiment,
  type MetricRecord,
  type ParamInput,
  type Run,
  RunHandle,
  type RunStatus,
  type SearchRunsOptions,
  SqliteStore,
  type SqliteStoreOptions,
  Tracker,
  type TrackerOptions,
} from './tracking/index.ts';
