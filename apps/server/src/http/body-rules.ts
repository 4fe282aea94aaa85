/** The media type a route accepts in a request body, and how large that body may be. */
export interface BodyRule {
  readonly mediaType: 'application/json' | 'application/x-www-form-urlencoded';
  readonly maxBytes: number;
  /** Format of error replies: JSON for /api, an HTML page for the web login pages. */
  readonly reply: 'json' | 'page';
}

/** Largest JSON body /api accepts. A console request is a command of at most 4096 characters and its sealed password. */
export const MAX_JSON_BODY_BYTES = 64 * 1024;
/** Largest form body the login and device pages accept: their forms have at most three short fields. */
export const MAX_FORM_BODY_BYTES = 4 * 1024;
/** Most fields a form may have; the largest form of the login pages has two. */
export const MAX_FORM_FIELDS = 20;

const JSON_RULE: BodyRule = { mediaType: 'application/json', maxBytes: MAX_JSON_BODY_BYTES, reply: 'json' };
const FORM_RULE: BodyRule = { mediaType: 'application/x-www-form-urlencoded', maxBytes: MAX_FORM_BODY_BYTES, reply: 'page' };

/** Routes under /api take JSON; every other route with a body is a form of the web login pages. */
export function bodyRuleOf(path: string): BodyRule {
  return isApiPath(path) ? JSON_RULE : FORM_RULE;
}

export function isApiPath(path: string): boolean {
  return path === '/api' || path.startsWith('/api/');
}

/** Returns the media type of a Content-Type header, lower case and without parameters such as charset. */
export function mediaTypeOf(contentType: string | undefined): string | undefined {
  if (contentType === undefined) return undefined;
  const mediaType = contentType.split(';')[0].trim().toLowerCase();
  return mediaType === '' ? undefined : mediaType;
}
