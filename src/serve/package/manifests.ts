/**
 * Kubernetes manifests of a packaged endpoint, as plain objects (written as YAML by
 * package-endpoint.ts):
 *
 * - a `Deployment` per mlsweep deployment, its pods serving that deployment only
 *   (`MLSWEEP_DEPLOYMENT`), one scoring worker each (`MLSWEEP_INSTANCE_COUNT=1`: Azure's
 *   `instance_count` becomes `replicas`), probes from the probe settings on
 *   `/v2/health/live` and `/v2/health/ready`, resource hints, the keys from the Secret;
 * - a `Service` per deployment (what the ingress routes to) and one for the endpoint,
 *   selecting every pod of the endpoint (it balances by pod count, not by traffic
 *   weights: for clients inside the cluster that do not care which deployment answers);
 * - a `HorizontalPodAutoscaler` (autoscaling/v2) for each `target_utilization` deployment;
 * - the keys as a `Secret` (`stringData`: `primaryKey`, `secondaryKey`, `tokenSecret`);
 * - `Ingress`es for the traffic split: Kubernetes has no weighted routing of its own, so
 *   the split is written for ingress-nginx, the most common controller: the deployment
 *   with the most traffic is the main Ingress, and each other deployment with a share is
 *   a canary Ingress (`nginx.ingress.kubernetes.io/canary-weight`) that also answers to
 *   Azure's pinning header (`canary-by-header: azureml-model-deployment`). ingress-nginx
 *   honours one canary per host and path, so with three or more deployments taking live
 *   traffic only the largest canary is routed; the weights are also written as the
 *   `mlsweep.io/traffic` annotation for other controllers and tools.
 */
import { createHash } from 'node:crypto';
import type { DeploymentSpec, EndpointSpec, ProbeSettings } from '../../registry/endpoint-types.ts';

/** A Kubernetes object as written to YAML. */
export type Manifest = {
  readonly apiVersion: string;
  readonly kind: string;
  readonly [key: string]: unknown;
};

/** The port the packaged server listens on in a container. */
export const CONTAINER_PORT = 8080;

/** The uid of the `node` user of the official node images (Kubernetes checks runAsNonRoot by number). */
const NODE_UID = 1000;

/** Azure's deployment pinning header, which the canary ingresses route on. */
export const DEPLOYMENT_HEADER = 'azureml-model-deployment';

/** Resource hints of a scoring pod (one worker thread plus the event loop). */
export interface ResourceHints {
  readonly requests: { readonly cpu: string; readonly memory: string };
  readonly limits: { readonly memory: string };
}

/** Defaults: a core for the worker, memory for a forest and the request buffers. */
export const DEFAULT_RESOURCES: ResourceHints = {
  requests: { cpu: '1', memory: '512Mi' },
  limits: { memory: '1Gi' },
};

/** What the manifests are made from. */
export interface ManifestInput {
  readonly endpoint: EndpointSpec;
  readonly deployments: readonly DeploymentSpec[];
  readonly image: string;
  /** Absent: the endpoint is open, no Secret. */
  readonly credentials?: {
    readonly primaryKey: string;
    readonly secondaryKey: string;
    readonly tokenSecret: string;
  };
  /** Default: the endpoint's name. */
  readonly namespace?: string;
  readonly resources?: ResourceHints;
}

/** The environment variables the entrypoint reads the secrets from. */
export const SECRET_ENV = {
  primaryKey: 'MLSWEEP_PRIMARY_KEY',
  secondaryKey: 'MLSWEEP_SECONDARY_KEY',
  tokenSecret: 'MLSWEEP_TOKEN_SECRET',
} as const;

/**
 * A Kubernetes object name (RFC 1123 label: lowercase letters, digits, '-', 63 at most)
 * from endpoint and deployment names; a long one keeps a hash of the whole so that two
 * long names stay distinct.
 *
 * @example
 * kubeName('Iris', 'blue'); // 'iris-blue'
 */
export function kubeName(...parts: string[]): string {
  const joined = parts
    .join('-')
    .toLowerCase()
    .replace(/[^a-z0-9-]+/g, '-')
    .replace(/^-+|-+$/g, '');
  if (joined.length <= 63) return joined;
  const hash = createHash('sha256').update(parts.join('/')).digest('hex').slice(0, 8);
  return `${joined.slice(0, 54).replace(/-+$/, '')}-${hash}`;
}

function labels(endpoint: string, deployment?: string): Record<string, string> {
  return {
    'app.kubernetes.io/name': 'mlsweep',
    'app.kubernetes.io/part-of': kubeName(endpoint),
    'mlsweep.io/endpoint': endpoint,
    ...(deployment === undefined
      ? {}
      : {
          'app.kubernetes.io/instance': kubeName(endpoint, deployment),
          'mlsweep.io/deployment': deployment,
        }),
  };
}

/**
 * A Kubernetes HTTP probe from Azure's probe settings (seconds); a liveness probe's
 * successThreshold is always 1, the only value Kubernetes accepts there.
 *
 * @example
 * probe('/v2/health/ready', DEFAULT_PROBE).periodSeconds; // 10
 */
export function probe(path: string, settings: ProbeSettings, liveness = false): Record<string, unknown> {
  return {
    httpGet: { path, port: 'http' },
    initialDelaySeconds: settings.initialDelay,
    periodSeconds: settings.period,
    timeoutSeconds: settings.timeout,
    // Kubernetes rejects a liveness probe whose successThreshold is not 1
    successThreshold: liveness ? 1 : settings.successThreshold,
    failureThreshold: settings.failureThreshold,
  };
}

/** Replicas a Deployment starts with: `instance_count`, within [min, max] for an autoscaled one. */
function replicas(spec: DeploymentSpec): number {
  const s = spec.scaleSettings;
  if (s.type !== 'target_utilization') return spec.instanceCount;
  return Math.min(s.maxInstances, Math.max(s.minInstances, spec.instanceCount));
}

/** The name of the Secret holding an endpoint's keys. */
export function secretName(endpoint: string): string {
  return kubeName(endpoint, 'keys');
}

/**
 * Every manifest of an endpoint, in the order `kubectl apply` should see them (the
 * Secret before the Deployments that read it).
 *
 * @example
 * endpointManifests({ endpoint, deployments, image: 'mlsweep-iris:0.1.0' }).map((m) => m.kind);
 * // ['Secret', 'Deployment', 'Service', 'Service', 'Ingress']
 */
export function endpointManifests(input: ManifestInput): Manifest[] {
  const { endpoint, deployments, image } = input;
  const name = endpoint.name;
  const namespace = input.namespace;
  const meta = (
    objectName: string,
    extra: Record<string, string> = {},
    annotations?: Record<string, string>,
  ) => ({
    name: objectName,
    ...(namespace === undefined ? {} : { namespace }),
    labels: { ...labels(name), ...extra },
    ...(annotations === undefined ? {} : { annotations }),
  });
  const out: Manifest[] = [];
  if (input.credentials !== undefined) {
    out.push({
      apiVersion: 'v1',
      kind: 'Secret',
      metadata: meta(secretName(name)),
      type: 'Opaque',
      stringData: {
        primaryKey: input.credentials.primaryKey,
        secondaryKey: input.credentials.secondaryKey,
        tokenSecret: input.credentials.tokenSecret,
      },
    });
  }
  const secretEnv =
    input.credentials === undefined
      ? []
      : (Object.entries(SECRET_ENV) as Array<[keyof typeof SECRET_ENV, string]>).map(([key, env]) => ({
          name: env,
          valueFrom: { secretKeyRef: { name: secretName(name), key } },
        }));
  const resources = input.resources ?? DEFAULT_RESOURCES;
  for (const spec of deployments) {
    const objectName = kubeName(name, spec.name);
    const podLabels = labels(name, spec.name);
    out.push({
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: meta(objectName, podLabels, {
        'mlsweep.io/traffic': String(endpoint.traffic[spec.name] ?? 0),
        'mlsweep.io/instance-count': String(spec.instanceCount),
      }),
      spec: {
        replicas: replicas(spec),
        selector: { matchLabels: { 'app.kubernetes.io/instance': objectName } },
        template: {
          metadata: { labels: podLabels },
          spec: {
            // the server drains in-flight requests on SIGTERM within the request timeout
            terminationGracePeriodSeconds: Math.ceil(spec.requestSettings.requestTimeoutMs / 1000) + 5,
            containers: [
              {
                name: 'server',
                image,
                ports: [{ name: 'http', containerPort: CONTAINER_PORT, protocol: 'TCP' }],
                env: [
                  { name: 'MLSWEEP_DEPLOYMENT', value: spec.name },
                  { name: 'MLSWEEP_INSTANCE_COUNT', value: '1' },
                  { name: 'HOST', value: '0.0.0.0' },
                  { name: 'PORT', value: String(CONTAINER_PORT) },
                  ...secretEnv,
                ],
                livenessProbe: probe('/v2/health/live', spec.livenessProbe, true),
                readinessProbe: probe('/v2/health/ready', spec.readinessProbe),
                resources: { requests: { ...resources.requests }, limits: { ...resources.limits } },
                // the image's `node` user; nothing written outside the two mounted folders
                securityContext: {
                  runAsNonRoot: true,
                  runAsUser: NODE_UID,
                  allowPrivilegeEscalation: false,
                  readOnlyRootFilesystem: true,
                  capabilities: { drop: ['ALL'] },
                },
                volumeMounts: [
                  { name: 'collected', mountPath: '/data' },
                  { name: 'tmp', mountPath: '/tmp' },
                ],
              },
            ],
            volumes: [
              { name: 'collected', emptyDir: {} },
              { name: 'tmp', emptyDir: {} },
            ],
          },
        },
      },
    });
    out.push({
      apiVersion: 'v1',
      kind: 'Service',
      metadata: meta(objectName, podLabels),
      spec: {
        selector: { 'app.kubernetes.io/instance': objectName },
        ports: [{ name: 'http', port: 80, targetPort: 'http', protocol: 'TCP' }],
      },
    });
    const scale = spec.scaleSettings;
    if (scale.type === 'target_utilization') {
      out.push({
        apiVersion: 'autoscaling/v2',
        kind: 'HorizontalPodAutoscaler',
        metadata: meta(objectName, podLabels),
        spec: {
          scaleTargetRef: { apiVersion: 'apps/v1', kind: 'Deployment', name: objectName },
          minReplicas: scale.minInstances,
          maxReplicas: scale.maxInstances,
          metrics: [
            {
              type: 'Resource',
              resource: {
                name: 'cpu',
                target: { type: 'Utilization', averageUtilization: scale.targetUtilizationPercentage },
              },
            },
          ],
          // the same minute of stabilization the local autoscaler uses (serve/autoscale.ts)
          behavior: { scaleDown: { stabilizationWindowSeconds: 60 } },
        },
      });
    }
  }
  out.push({
    apiVersion: 'v1',
    kind: 'Service',
    metadata: meta(kubeName(name)),
    spec: {
      selector: { 'app.kubernetes.io/part-of': kubeName(name), 'app.kubernetes.io/name': 'mlsweep' },
      ports: [{ name: 'http', port: 80, targetPort: 'http', protocol: 'TCP' }],
    },
  });
  out.push(...ingresses(input));
  return out;
}

/** The main Ingress and the canaries of the traffic split (see the file's comment). */
function ingresses(input: ManifestInput): Manifest[] {
  const { endpoint, deployments } = input;
  const name = endpoint.name;
  const weights = Object.fromEntries(deployments.map((d) => [d.name, endpoint.traffic[d.name] ?? 0]));
  const split = Object.entries(weights)
    .map(([d, w]) => `${d}=${w}`)
    .join(',');
  const mirror = Object.entries(endpoint.mirrorTraffic)
    .map(([d, w]) => `${d}=${w}`)
    .join(',');
  // the main backend: most traffic, ties and all-zero broken by the order of deployments
  const ranked = [...deployments].sort((a, b) => (weights[b.name] ?? 0) - (weights[a.name] ?? 0));
  const main = ranked[0];
  if (main === undefined) return [];
  const ingress = (objectName: string, backend: string, annotations: Record<string, string>): Manifest => ({
    apiVersion: 'networking.k8s.io/v1',
    kind: 'Ingress',
    metadata: {
      name: objectName,
      ...(input.namespace === undefined ? {} : { namespace: input.namespace }),
      labels: labels(name),
      annotations,
    },
    spec: {
      ingressClassName: 'nginx',
      rules: [
        {
          http: {
            paths: [
              {
                path: '/',
                pathType: 'Prefix',
                backend: { service: { name: backend, port: { name: 'http' } } },
              },
            ],
          },
        },
      ],
    },
  });
  const out = [
    ingress(kubeName(name), kubeName(name, main.name), {
      'mlsweep.io/traffic': split,
      ...(mirror === '' ? {} : { 'mlsweep.io/mirror-traffic': mirror }),
    }),
  ];
  for (const spec of ranked.slice(1)) {
    out.push(
      ingress(kubeName(name, spec.name, 'canary'), kubeName(name, spec.name), {
        'nginx.ingress.kubernetes.io/canary': 'true',
        'nginx.ingress.kubernetes.io/canary-weight': String(weights[spec.name] ?? 0),
        'nginx.ingress.kubernetes.io/canary-by-header': DEPLOYMENT_HEADER,
        'nginx.ingress.kubernetes.io/canary-by-header-value': spec.name,
        'mlsweep.io/traffic': split,
      }),
    );
  }
  return out;
}
