/**
 * The errors a request can end with, each with the HTTP status it answers. The protocols
 * (protocols/*.ts) write them in their own error bodies; InputError (input.ts) is the 400
 * of rows the model cannot use.
 */
import { MlsweepError } from '../core/errors.ts';

/** A request the server answers with `status` and a one-line message. */
export class HttpError extends MlsweepError {
  readonly status: number;
  /** Extra response headers (e.g. `WWW-Authenticate`, `Allow`). */
  readonly headers: Readonly<Record<string, string>>;

  constructor(status: number, message: string, code = 'E_SERVE', headers: Record<string, string> = {}) {
    super(message, code);
    this.status = status;
    this.headers = headers;
  }
}

/** The request waited or scored longer than the deployment's `requestTimeoutMs`: 408. */
export class RequestTimeoutError extends HttpError {
  constructor(deployment: string, timeoutMs: number) {
    super(
      408,
      `the request took longer than ${timeoutMs} ms (request_settings.request_timeout_ms of deployment '${deployment}')`,
      'E_SERVE_TIMEOUT',
    );
  }
}

/** The deployment has `maxConcurrentRequestsPerInstance × instances` requests in flight: 429. */
export class OverloadedError extends HttpError {
  constructor(deployment: string, limit: number) {
    super(
      429,
      `deployment '${deployment}' has ${limit} requests in flight (max_concurrent_requests_per_instance × instance_count); retry later`,
      'E_SERVE_BUSY',
      { 'retry-after': '1' },
    );
  }
}

/** The deployment's scoring module threw: 500, its message logged, not sent. */
export class ScoringScriptError extends HttpError {
  constructor(readonly detail: string) {
    super(
      500,
      'the scoring script failed; its message is in the server log (look for this request id)',
      'E_SERVE_SCRIPT',
    );
  }
}
