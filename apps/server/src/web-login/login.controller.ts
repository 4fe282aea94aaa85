import { Body, Controller, Get, Inject, Logger, Post, Req, Res } from '@nestjs/common';
import type { Request, Response } from 'express';
import { z } from 'zod';

import { abbreviate } from '@domsim/names';

import type { ServerRuntime } from '../config/server-runtime';
import { SERVER_RUNTIME } from '../tokens';
import {
  assertFormPost,
  clearCookie,
  describeFailure,
  formText,
  LOGIN_COOKIE,
  parseForm,
  readCookie,
  redirect,
  sendPage,
  SESSION_COOKIE,
  setCookie,
} from './http-helpers';
import { LOGIN_TRANSACTION_TTL_MS, type WebSession } from './login-sessions';
import { LoginFlowService } from './login-flow.service';
import { enrollPage, errorPage, homePage, LoginRoutes, loginPage, scratchCodesPage, tokenPage } from './pages/login-pages';
import { renderQrSvg } from './qr-code';

const passwordForm = z.object({ username: formText(256), password: formText(256) });
const tokenForm = z.object({ token: formText(32) });
const enrollForm = z.object({ deviceName: formText(64), token: formText(32) });

/** The login pages: name and password, then enrollment or a token, then the page that shows who is logged in. */
@Controller()
export class LoginController {
  private readonly logger = new Logger('WebLoginPages');
  private readonly server: string;

  constructor(
    @Inject(SERVER_RUNTIME) runtime: ServerRuntime,
    private readonly flow: LoginFlowService,
  ) {
    this.server = abbreviate(runtime.setup.server);
  }

  @Get(LoginRoutes.Login)
  showLogin(@Res() response: Response): void {
    sendPage(response, 200, loginPage(this.server));
  }

  @Post(LoginRoutes.Login)
  async login(@Req() request: Request, @Body() body: unknown, @Res() response: Response): Promise<void> {
    let username = '';
    try {
      assertFormPost(request);
      const form = parseForm(passwordForm, body);
      username = form.username;
      const outcome = await this.flow.submitPassword(form.username, form.password);

      if (outcome.kind === 'session') return this.startSession(response, outcome.session);
      setCookie(response, LOGIN_COOKIE, outcome.transaction.id, LOGIN_TRANSACTION_TTL_MS / 1000);
      if (outcome.kind === 'token') return sendPage(response, 200, tokenPage(this.server, abbreviate(outcome.transaction.user)));
      const qrSvg = await renderQrSvg(outcome.transaction.enrollment.uri);
      sendPage(response, 200, enrollPage(this.server, { user: abbreviate(outcome.transaction.user), enrollment: outcome.transaction.enrollment, qrSvg, action: LoginRoutes.Enroll }));
    } catch (error) {
      const { status, text } = this.describe(error);
      sendPage(response, status, loginPage(this.server, { username: username.slice(0, 256), message: { kind: 'error', text } }));
    }
  }

  @Post(LoginRoutes.Token)
  async token(@Req() request: Request, @Body() body: unknown, @Res() response: Response): Promise<void> {
    const transactionId = readCookie(request, LOGIN_COOKIE);
    try {
      assertFormPost(request);
      const form = parseForm(tokenForm, body);
      const session = await this.flow.submitCode(transactionId, form.token);
      clearCookie(response, LOGIN_COOKIE);
      this.startSession(response, session);
    } catch (error) {
      const { status, text } = this.describe(error);
      const transaction = this.liveTransaction(transactionId);
      if (transaction === undefined) {
        clearCookie(response, LOGIN_COOKIE);
        return sendPage(response, status, loginPage(this.server, { message: { kind: 'error', text } }));
      }
      sendPage(response, status, tokenPage(this.server, abbreviate(transaction.user), { kind: 'error', text }));
    }
  }

  @Post(LoginRoutes.Enroll)
  async enroll(@Req() request: Request, @Body() body: unknown, @Res() response: Response): Promise<void> {
    const transactionId = readCookie(request, LOGIN_COOKIE);
    let deviceName = '';
    try {
      assertFormPost(request);
      const form = parseForm(enrollForm, body);
      deviceName = form.deviceName;
      const { session, scratchCodes } = await this.flow.submitEnrollment(transactionId, form.deviceName, form.token);
      clearCookie(response, LOGIN_COOKIE);
      setCookie(response, SESSION_COOKIE, session.id);
      const page =
        scratchCodes.length > 0
          ? scratchCodesPage(this.server, abbreviate(session.user), scratchCodes, 'Your device is enrolled and you are logged in.')
          : homePage(this.server, session, { kind: 'info', text: 'Your device is enrolled and you are logged in.' });
      sendPage(response, 200, page);
    } catch (error) {
      const { status, text } = this.describe(error);
      const transaction = this.liveTransaction(transactionId);
      if (transaction?.enrollment === undefined) {
        if (transaction === undefined) clearCookie(response, LOGIN_COOKIE);
        return sendPage(response, status, loginPage(this.server, { message: { kind: 'error', text } }));
      }
      const qrSvg = await renderQrSvg(transaction.enrollment.uri);
      const page = enrollPage(this.server, { user: abbreviate(transaction.user), enrollment: transaction.enrollment, qrSvg, action: LoginRoutes.Enroll, deviceName: deviceName.slice(0, 64), message: { kind: 'error', text } });
      sendPage(response, status, page);
    }
  }

  @Get(LoginRoutes.Home)
  home(@Req() request: Request, @Res() response: Response): void {
    try {
      sendPage(response, 200, homePage(this.server, this.flow.session(readCookie(request, SESSION_COOKIE))));
    } catch (error) {
      const { status, text } = this.describe(error);
      sendPage(response, status, errorPage(this.server, 'Not logged in', text));
    }
  }

  @Post(LoginRoutes.Logout)
  logout(@Req() request: Request, @Res() response: Response): void {
    this.flow.logout(readCookie(request, SESSION_COOKIE));
    clearCookie(response, SESSION_COOKIE);
    sendPage(response, 200, loginPage(this.server, { message: { kind: 'info', text: 'You are logged out.' } }));
  }

  private startSession(response: Response, session: WebSession): void {
    setCookie(response, SESSION_COOKIE, session.id);
    redirect(response, LoginRoutes.Home);
  }

  private liveTransaction(id: string | undefined) {
    try {
      return this.flow.transaction(id);
    } catch {
      return undefined;
    }
  }

  private describe(error: unknown): { status: number; text: string } {
    return describeFailure(error, this.logger);
  }
}
