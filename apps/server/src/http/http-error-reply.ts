import { STATUS_CODES } from 'node:http';

import type { Response } from 'express';

import { sendPage } from '../web-login/http-helpers';
import { errorPage } from '../web-login/pages/login-pages';

/** The JSON body of every error under /api, the same fields NestJS uses for its HTTP exceptions. */
export interface ApiErrorBody {
  readonly statusCode: number;
  readonly error: string;
  readonly message: string;
}

/**
 * Sends a rejected request's error before any controller runs: JSON for /api, the error
 * page of the web login for the pages. The socket is closed after the reply, because the
 * request body may be unread.
 */
export function sendRequestError(response: Response, options: { status: number; message: string; reply: 'json' | 'page'; server: string }): void {
  response.set('Connection', 'close');
  if (options.reply === 'json') {
    const body: ApiErrorBody = { statusCode: options.status, error: STATUS_CODES[options.status] ?? 'Error', message: options.message };
    response.status(options.status).set('Cache-Control', 'no-store').json(body);
    return;
  }
  sendPage(response, options.status, errorPage(options.server, 'Request rejected', options.message));
}
