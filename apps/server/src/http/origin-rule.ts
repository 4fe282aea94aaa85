import { isApiPath } from './body-rules';

/** Methods a browser may send across sites without changing state on the server. */
const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

/** A request the origin rule rejects: the Origin header it carried. */
export interface ForeignOrigin {
  readonly origin: string;
}

/**
 * Applies the cross-site rule to one request. A request that can change state (any method
 * but GET, HEAD and OPTIONS) and any request to /api are rejected when the Origin header is
 * `null` or names another host than the Host header. Requests without an Origin header
 * pass, because browsers send one on every POST and non-browser clients (the CLI, curl,
 * monitoring) send none.
 *
 * @returns the rejected origin, or undefined when the request may proceed.
 */
export function foreignOriginOf(request: { method: string; path: string; origin: string | undefined; host: string | undefined }): ForeignOrigin | undefined {
  if (request.origin === undefined) return undefined;
  const guarded = !SAFE_METHODS.has(request.method.toUpperCase()) || isApiPath(request.path);
  if (!guarded) return undefined;
  return isSameOrigin(request.origin, request.host) ? undefined : { origin: request.origin };
}

/** True when the Origin header names the host and port the request was sent to. */
export function isSameOrigin(origin: string, host: string | undefined): boolean {
  if (origin === 'null' || host === undefined) return false;
  const originHost = hostOf(origin);
  const requestHost = hostOf(`http://${host}`);
  return originHost !== undefined && originHost === requestHost;
}

function hostOf(url: string): string | undefined {
  try {
    const parsed = new URL(url);
    return parsed.protocol === 'http:' || parsed.protocol === 'https:' ? parsed.host : undefined;
  } catch {
    return undefined;
  }
}
