import type { INestApplication } from '@nestjs/common';
import { Logger } from '@nestjs/common';
import { json, type NextFunction, type Request, type RequestHandler, type Response, urlencoded } from 'express';

import { type BodyRule, bodyRuleOf, isApiPath, MAX_FORM_FIELDS, mediaTypeOf } from './body-rules';
import { sendRequestError } from './http-error-reply';
import { foreignOriginOf } from './origin-rule';

/** Methods whose body the server reads; a body on any other method is ignored. */
const METHODS_WITH_BODY = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

/** An error from the body parser (body-parser sets `type` and `status`). */
interface BodyParserError extends Error {
  readonly type?: string;
  readonly status?: number;
  readonly charset?: string;
  readonly encoding?: string;
}

/**
 * Installs the checks every HTTP request passes before NestJS routes it: the cross-site
 * origin rule, then the Content-Type, size and syntax of the body. NestJS's own body
 * parsers must be off (`bodyParser: false`), because they reply to a bad body with
 * express's defaults.
 */
export function installHttpGuards(app: INestApplication, server: string): void {
  const logger = new Logger('HttpGuards');
  app.use(originGuard(server, logger));
  app.use(bodyGuard(server));
}

function originGuard(server: string, logger: Logger): RequestHandler {
  return (request: Request, response: Response, next: NextFunction) => {
    const foreign = foreignOriginOf({ method: request.method, path: request.path, origin: request.headers.origin, host: request.headers.host });
    if (foreign === undefined) return next();

    const origin = foreign.origin.slice(0, 200);
    logger.warn(`Rejected a cross-site ${request.method} ${request.path} from origin ${origin}`);
    const api = isApiPath(request.path);
    const message = api
      ? `cross-site request rejected: origin ${origin} is not this server (${request.headers.host ?? 'no Host header'}); send the request from a page of this server, or from a client that sends no Origin header`
      : `The request came from ${origin}, not from a page of this server; open the login page of this server (/login) and try again`;
    sendRequestError(response, { status: 403, message, reply: api ? 'json' : 'page', server });
  };
}

function bodyGuard(server: string): RequestHandler {
  const parsers = new Map<string, RequestHandler>();
  const parserFor = (rule: BodyRule): RequestHandler => {
    let parser = parsers.get(rule.mediaType);
    if (parser === undefined) {
      // The media type was checked already, so the parsers accept whatever type the request names.
      parser =
        rule.mediaType === 'application/json'
          ? json({ limit: rule.maxBytes, strict: true, type: () => true })
          : urlencoded({ limit: rule.maxBytes, extended: true, parameterLimit: MAX_FORM_FIELDS, type: () => true });
      parsers.set(rule.mediaType, parser);
    }
    return parser;
  };

  return (request: Request, response: Response, next: NextFunction) => {
    if (!METHODS_WITH_BODY.has(request.method) || !hasBody(request)) {
      if (METHODS_WITH_BODY.has(request.method)) request.body = {};
      return next();
    }
    const rule = bodyRuleOf(request.path);
    const reject = (status: number, message: string) => sendRequestError(response, { status, message, reply: rule.reply, server });

    const mediaType = mediaTypeOf(request.headers['content-type']);
    if (mediaType !== rule.mediaType) return reject(415, unsupportedTypeMessage(rule, mediaType));
    const declared = Number(request.headers['content-length']);
    if (Number.isFinite(declared) && declared > rule.maxBytes) return reject(413, tooLargeMessage(rule, declared));

    parserFor(rule)(request, response, (error?: unknown) => {
      if (error === undefined || error === null) return next();
      const { status, message } = describeBodyError(error as BodyParserError, rule);
      reject(status, message);
    });
  };
}

/** True when the request has a body to read: chunked, or a Content-Length above zero. */
function hasBody(request: Request): boolean {
  if (request.headers['transfer-encoding'] !== undefined) return true;
  const length = Number(request.headers['content-length'] ?? '0');
  return !Number.isFinite(length) || length > 0;
}

function unsupportedTypeMessage(rule: BodyRule, mediaType: string | undefined): string {
  const sent = mediaType === undefined ? 'no Content-Type' : `Content-Type ${mediaType.slice(0, 100)}`;
  return rule.reply === 'json'
    ? `unsupported media type: the request has ${sent}; send the body as ${rule.mediaType}`
    : `The form was sent with ${sent}; this page accepts only ${rule.mediaType}, as a browser sends it. Reload the page and submit the form again`;
}

/** `size` is the declared Content-Length; without it (a chunked body) only the limit is named. */
function tooLargeMessage(rule: BodyRule, size?: number): string {
  if (rule.reply === 'json') {
    const sent = size === undefined ? `more than ${rule.maxBytes} bytes` : `${size} bytes, at most ${rule.maxBytes}`;
    return `request body too large: ${sent}; send only the fields the route takes`;
  }
  const sent = size === undefined ? `more than ${rule.maxBytes} bytes` : `${size} bytes, at most ${rule.maxBytes}`;
  return `The form is too large (${sent}); send only the fields of the login form`;
}

/** Maps a body parser failure to a status and a message that names the problem; the body itself is never quoted. */
function describeBodyError(error: BodyParserError, rule: BodyRule): { status: number; message: string } {
  const api = rule.reply === 'json';
  switch (error.type) {
    case 'entity.too.large':
      return { status: 413, message: tooLargeMessage(rule) };
    case 'parameters.too.many':
      return { status: 413, message: api ? `too many fields in the body, at most ${MAX_FORM_FIELDS}` : `The form has more than ${MAX_FORM_FIELDS} fields; send only the fields of the login form` };
    case 'charset.unsupported':
      return { status: 415, message: api ? `unsupported charset ${String(error.charset).slice(0, 40)}; send the body as UTF-8` : `The form uses the unsupported charset ${String(error.charset).slice(0, 40)}; send it as UTF-8` };
    case 'encoding.unsupported':
      return { status: 415, message: `unsupported Content-Encoding ${String(error.encoding).slice(0, 40)}; send the body uncompressed, or as gzip, deflate or br` };
    case 'entity.parse.failed':
      return { status: 400, message: api ? `invalid JSON in the request body${positionOf(error)}; send one JSON object, e.g. {"command": "show server"}` : `The form could not be read${positionOf(error)}; reload the page and try again` };
    case 'request.aborted':
    case 'request.size.invalid':
      return { status: 400, message: api ? 'incomplete request body: it ended before its Content-Length; send the whole body' : 'The form arrived incomplete; submit it again' };
    default:
      return { status: error.status !== undefined && error.status >= 400 && error.status < 500 ? error.status : 400, message: api ? 'the request body could not be read; send one JSON object' : 'The form could not be read; reload the page and try again' };
  }
}

/**
 * Returns where JSON.parse stopped, e.g. " (at position 12)". JSON.parse's own message is not
 * used because it can quote the body, which may contain a password.
 */
function positionOf(error: Error): string {
  const match = /position (\d+)/.exec(error.message);
  return match === null ? '' : ` (at position ${match[1]})`;
}
