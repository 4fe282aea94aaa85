import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

import type { ConsoleReply, DomainClient } from '@domsim/client';
import { abbreviate } from '@domsim/names';

import { FAVICON_SVG, PAGE_HTML, PAGE_SCRIPT, PAGE_STYLE } from './assets';
import { stripConsolePrefix } from './console-lines';
import { ConsoleRelay } from './console-relay';
import { DemoRunner } from './demo-runner';
import { DomainFeed } from './domain-feed';
import type { KnownServer } from './domain-view';
import type { GraphConnection } from './graph-layout';
import {
  checkHost,
  checkMethod,
  checkOrigin,
  MAX_BODY_BYTES,
  parseJsonBody,
  requireBasicCredentials,
  UiRequestError,
  validateCommandRequest,
  validateEmptyRequest,
  validateFaultRequest,
} from './request-validation';
import { stderrLogger, type UiLogger } from './ui-logger';

export interface UiServerOptions {
  readonly client: DomainClient;
  readonly domain: string;
  /** The servers of the domain; `dataDir` (absolute) lets the UI read each console key from disk. */
  readonly servers: ReadonlyArray<KnownServer & { readonly dataDir?: string }>;
  /** Enabled Connection documents from domain.json, shown for servers that have not responded to a health request. */
  readonly connections?: readonly GraphConnection[];
  /** Address to listen on; default 127.0.0.1. */
  readonly host?: string;
  /** Port to listen on; default 0, a free port. */
  readonly port?: number;
  readonly logger?: UiLogger;
  /** How often each server's health is requested, in milliseconds; default 500. */
  readonly pollMs?: number;
}

/** A UI server that is listening. */
export interface StartedUiServer {
  /** The page's URL, e.g. http://127.0.0.1:41234/. */
  readonly url: string;
  readonly feed: DomainFeed;
  stop(): Promise<void>;
}

const STATIC: Record<string, { type: string; body: string }> = {
  '/': { type: 'text/html; charset=utf-8', body: PAGE_HTML },
  '/app.js': { type: 'text/javascript; charset=utf-8', body: PAGE_SCRIPT },
  '/app.css': { type: 'text/css; charset=utf-8', body: PAGE_STYLE },
  '/favicon.svg': { type: 'image/svg+xml', body: FAVICON_SVG },
};

/** Milliseconds a browser waits before it reconnects a dropped event stream. */
const SSE_RETRY_MS = 1_000;

/**
 * Starts the live web view of a running domain. It serves the page, a server-sent event
 * stream of the domain's state (GET /api/events) and the state as JSON (GET /api/state).
 * Its actions (POST /api/console, /api/fault, /api/heal, /api/demo) run through the
 * servers' HTTP consoles with administrator credentials.
 */
export async function startUiServer(options: UiServerOptions): Promise<StartedUiServer> {
  const logger = options.logger ?? stderrLogger();
  const serverNames = options.servers.map((server) => server.name);
  const feed = new DomainFeed(options.client, { domain: options.domain, servers: options.servers, connections: options.connections, pollMs: options.pollMs, logger });
  const relay = new ConsoleRelay(options.client, options.servers);
  const demo = new DemoRunner(options.domain, serverNames, relay, feed);
  await feed.start();

  const streams = new Set<ServerResponse>();
  const context: RequestContext = { feed, relay, demo, serverNames, streams, logger, allowedHosts: [], allowedOrigins: [] };
  const http = createServer((request, response) => {
    handle(request, response, context).catch((error: unknown) => sendError(request, response, error, logger));
  });
  try {
    await new Promise<void>((resolveListen, rejectListen) => {
      http.once('error', rejectListen);
      http.listen(options.port ?? 0, options.host ?? '127.0.0.1', () => resolveListen());
    });
  } catch (error) {
    feed.stop();
    logger.error(`Could not listen on ${options.host ?? '127.0.0.1'}:${options.port ?? 0}: ${(error as Error).message}`);
    throw error;
  }

  const address = http.address() as AddressInfo;
  const host = address.family === 'IPv6' ? `[${address.address}]` : address.address;
  context.allowedHosts = [`${host}:${address.port}`, `localhost:${address.port}`];
  context.allowedOrigins = context.allowedHosts.map((entry) => `http://${entry}`);
  const url = `http://${host}:${address.port}/`;
  logger.info(`Serving the live view of domain ${options.domain} at ${url}`);

  return {
    url,
    feed,
    stop: () => stopServer(http, feed, streams, logger),
  };
}

interface RequestContext {
  readonly feed: DomainFeed;
  readonly relay: ConsoleRelay;
  readonly demo: DemoRunner;
  readonly serverNames: readonly string[];
  readonly streams: Set<ServerResponse>;
  readonly logger: UiLogger;
  allowedHosts: string[];
  allowedOrigins: string[];
}

async function handle(request: IncomingMessage, response: ServerResponse, context: RequestContext): Promise<void> {
  const path = new URL(request.url ?? '/', 'http://ui.invalid').pathname;
  checkHost(request.headers.host, context.allowedHosts);
  const origin = request.headers.origin;

  const asset = STATIC[path];
  if (asset !== undefined) {
    checkMethod(request.method, ['GET', 'HEAD'], path);
    checkOrigin(origin, context.allowedOrigins, false);
    send(response, 200, asset.type, asset.body);
    return;
  }

  switch (path) {
    case '/favicon.ico':
      // Browsers and tools ask for it without reading the page's icon link; 204 keeps that out of the log.
      checkMethod(request.method, ['GET', 'HEAD'], path);
      response.writeHead(204, { ...SECURITY_HEADERS, 'Cache-Control': 'max-age=86400' });
      response.end();
      return;
    case '/api/state':
      checkMethod(request.method, ['GET'], path);
      checkOrigin(origin, context.allowedOrigins, false);
      sendJson(response, 200, context.feed.view());
      return;
    case '/api/events':
      checkMethod(request.method, ['GET'], path);
      checkOrigin(origin, context.allowedOrigins, false);
      openEventStream(request, response, context);
      return;
    case '/api/console':
    case '/api/fault':
    case '/api/heal':
    case '/api/demo':
      checkMethod(request.method, ['POST'], path);
      checkOrigin(origin, context.allowedOrigins, true);
      await handleAction(path, request, response, context);
      return;
    default:
      throw new UiRequestError(404, 'NOT_FOUND', `there is no ${path} here; open / for the domain view`);
  }
}

/** Validates everything (credentials, body, names) before any action runs, so a bad request changes nothing. */
async function handleAction(path: string, request: IncomingMessage, response: ServerResponse, context: RequestContext): Promise<void> {
  const authorization = requireBasicCredentials(request.headers.authorization);
  const body = parseJsonBody(request.headers['content-type'], await readBody(request));

  if (path === '/api/console') {
    const { server, command } = validateCommandRequest(body, context.serverNames);
    const reply = await context.relay.run(server, command, authorization);
    logCommand(context.logger, server, reply);
    await context.feed.refresh();
    sendJson(response, 200, { server, ...reply });
    return;
  }
  if (path === '/api/fault' || path === '/api/heal') {
    let command = 'sim heal';
    if (path === '/api/fault') {
      const fault = validateFaultRequest(body, context.serverNames);
      command = `sim fault ${quoteName(fault.from)} ${quoteName(fault.to)} ${fault.fault}`;
    } else {
      validateEmptyRequest(body);
    }
    const server = await firstAnsweringServer(context);
    const reply = await context.relay.run(server, command, authorization);
    logCommand(context.logger, server, reply);
    if (!reply.ok) throw new UiRequestError(400, reply.code ?? 'COMMAND_FAILED', `${command} failed on ${abbreviate(server)}: ${reply.lines.map(stripConsolePrefix).join(' ')}`);
    sendJson(response, 200, { server, ...reply });
    return;
  }

  validateEmptyRequest(body);
  await context.demo.start(authorization);
  sendJson(response, 202, { started: true });
}

/** Logs a console command with its echo as a JSON string, so the text cannot forge a log line. */
function logCommand(logger: UiLogger, server: string, reply: ConsoleReply): void {
  logger.info(`Ran ${JSON.stringify(reply.echo)} on ${abbreviate(server)}: ${reply.ok ? 'ok' : (reply.code ?? 'failed')}`);
}

async function firstAnsweringServer(context: RequestContext): Promise<string> {
  for (const server of context.serverNames) {
    if (context.feed.healthOf(server) !== undefined) return server;
  }
  throw new UiRequestError(503, 'DOMAIN_UNREACHABLE', 'no server of the domain responds; is it running (domsim status)?');
}

/** Quotes a server name as one console argument; `*` stays bare. */
function quoteName(name: string): string {
  return name === '*' ? name : `"${abbreviate(name)}"`;
}

function openEventStream(request: IncomingMessage, response: ServerResponse, context: RequestContext): void {
  response.writeHead(200, { 'Content-Type': 'text/event-stream; charset=utf-8', 'Cache-Control': 'no-store', Connection: 'keep-alive', 'X-Content-Type-Options': 'nosniff' });
  response.write(`retry: ${SSE_RETRY_MS}\n\n`);
  const push = (view: unknown) => response.write(`event: state\ndata: ${JSON.stringify(view)}\n\n`);
  push(context.feed.view());
  const unsubscribe = context.feed.onChange(push);
  context.streams.add(response);
  request.on('close', () => {
    unsubscribe();
    context.streams.delete(response);
  });
}

async function readBody(request: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of request) {
    size += (chunk as Buffer).length;
    if (size > MAX_BODY_BYTES) throw new UiRequestError(413, 'BODY_TOO_LARGE', `the body is larger than ${MAX_BODY_BYTES} bytes; a console command has at most 4,096 characters`);
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks).toString('utf8');
}

const SECURITY_HEADERS = {
  'X-Content-Type-Options': 'nosniff',
  'X-Frame-Options': 'DENY',
  'Referrer-Policy': 'no-referrer',
  'Content-Security-Policy': "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; connect-src 'self'; frame-ancestors 'none'",
};

function send(response: ServerResponse, status: number, type: string, body: string, headers: Record<string, string> = {}): void {
  response.writeHead(status, { ...SECURITY_HEADERS, ...headers, 'Content-Type': type, 'Cache-Control': 'no-store', 'Content-Length': Buffer.byteLength(body) });
  response.end(body);
}

function sendJson(response: ServerResponse, status: number, value: unknown, headers: Record<string, string> = {}): void {
  send(response, status, 'application/json; charset=utf-8', JSON.stringify(value), headers);
}

function sendError(request: IncomingMessage, response: ServerResponse, error: unknown, logger: UiLogger): void {
  if (response.headersSent) {
    logger.error(`Request ${request.method} ${JSON.stringify(request.url)} failed after its response began: ${(error as Error).message}`);
    response.end();
    return;
  }
  if (error instanceof UiRequestError) {
    // NOTE: the message is not logged because it may quote the request body, which can hold a password.
    logger.warn(`Rejected ${request.method} ${JSON.stringify(request.url)}: ${error.status} ${error.code}`);
    sendJson(response, error.status, { error: error.code, message: error.message }, { ...error.headers });
    return;
  }
  logger.error(`Request failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
  sendJson(response, 500, { error: 'INTERNAL_ERROR', message: `the UI server failed: ${(error as Error).message}; see its log` });
}

async function stopServer(http: Server, feed: DomainFeed, streams: Set<ServerResponse>, logger: UiLogger): Promise<void> {
  feed.stop();
  for (const stream of streams) stream.end();
  streams.clear();
  await new Promise<void>((resolveClose) => {
    http.close(() => resolveClose());
    http.closeAllConnections();
  });
  logger.info('Stopped the live view');
}
