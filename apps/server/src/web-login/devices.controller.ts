import { Body, Controller, Get, Inject, Logger, Post, Req, Res } from '@nestjs/common';
import type { Request, Response } from 'express';
import { z } from 'zod';

import { abbreviate } from '@domsim/names';

import type { ServerRuntime } from '../config/server-runtime';
import { SERVER_RUNTIME } from '../tokens';
import { assertFormPost, describeFailure, formText, parseForm, readCookie, sendPage, SESSION_COOKIE } from './http-helpers';
import type { WebSession } from './login-sessions';
import { LoginFlowService } from './login-flow.service';
import { devicesPage, enrollPage, errorPage, LoginRoutes, scratchCodesPage } from './pages/login-pages';
import type { PageMessage } from './pages/layout';
import { renderQrSvg } from './qr-code';

const deviceForm = z.object({ deviceName: formText(64) });
const confirmForm = z.object({ deviceName: formText(64), token: formText(32) });

/** Device management of a logged-in user: add a device, delete one, get new scratch codes. */
@Controller()
export class DevicesController {
  private readonly logger = new Logger('WebLoginDevices');
  private readonly server: string;

  constructor(
    @Inject(SERVER_RUNTIME) runtime: ServerRuntime,
    private readonly flow: LoginFlowService,
  ) {
    this.server = abbreviate(runtime.setup.server);
  }

  @Get(LoginRoutes.Devices)
  async list(@Req() request: Request, @Res() response: Response): Promise<void> {
    await this.withSession(request, response, false, async (session) => this.showDevices(response, session, 200));
  }

  @Post(LoginRoutes.AddDevice)
  async add(@Req() request: Request, @Res() response: Response): Promise<void> {
    await this.withSession(request, response, true, async (session) => {
      const enrollment = await this.flow.beginAddDevice(session);
      sendPage(response, 200, enrollPage(this.server, { user: abbreviate(session.user), enrollment, qrSvg: await renderQrSvg(enrollment.uri), action: LoginRoutes.ConfirmDevice }));
    });
  }

  @Post(LoginRoutes.ConfirmDevice)
  async confirm(@Req() request: Request, @Body() body: unknown, @Res() response: Response): Promise<void> {
    await this.withSession(request, response, true, async (session) => {
      const form = parseForm(confirmForm, body);
      try {
        const scratchCodes = await this.flow.confirmAddDevice(session, form.deviceName, form.token);
        if (scratchCodes.length > 0) return sendPage(response, 200, scratchCodesPage(this.server, abbreviate(session.user), scratchCodes, 'Your new device is enrolled.'));
        await this.showDevices(response, session, 200, { kind: 'info', text: `Device ${form.deviceName.trim()} is enrolled.` });
      } catch (error) {
        const enrollment = session.enrollment;
        if (enrollment === undefined) throw error;
        const { status, text } = describeFailure(error, this.logger);
        const page = enrollPage(this.server, {
          user: abbreviate(session.user),
          enrollment,
          qrSvg: await renderQrSvg(enrollment.uri),
          action: LoginRoutes.ConfirmDevice,
          deviceName: form.deviceName,
          message: { kind: 'error', text },
        });
        sendPage(response, status, page);
      }
    });
  }

  @Post(LoginRoutes.DeleteDevice)
  async delete(@Req() request: Request, @Body() body: unknown, @Res() response: Response): Promise<void> {
    await this.withSession(request, response, true, async (session) => {
      const form = parseForm(deviceForm, body);
      await this.flow.deleteDevice(session, form.deviceName);
      await this.showDevices(response, session, 200, { kind: 'info', text: `Device ${form.deviceName.trim()} is deleted.` });
    });
  }

  @Post(LoginRoutes.ScratchCodes)
  async resetScratchCodes(@Req() request: Request, @Res() response: Response): Promise<void> {
    await this.withSession(request, response, true, async (session) => {
      const codes = await this.flow.resetScratchCodes(session);
      sendPage(response, 200, scratchCodesPage(this.server, abbreviate(session.user), codes, 'Your old scratch codes no longer work.'));
    });
  }

  private async showDevices(response: Response, session: WebSession, status: number, message?: PageMessage): Promise<void> {
    sendPage(response, status, devicesPage(this.server, abbreviate(session.user), await this.flow.deviceStatus(session), message));
  }

  /** Runs a step for the logged-in user; a failure shows the devices page with the message, or an error page. */
  private async withSession(request: Request, response: Response, isPost: boolean, step: (session: WebSession) => Promise<void>): Promise<void> {
    let session: WebSession | undefined;
    try {
      if (isPost) assertFormPost(request);
      session = this.flow.session(readCookie(request, SESSION_COOKIE));
      await step(session);
    } catch (error) {
      const { status, text } = describeFailure(error, this.logger);
      if (session === undefined) return sendPage(response, status, errorPage(this.server, 'Not logged in', text));
      try {
        await this.showDevices(response, session, status, { kind: 'error', text });
      } catch (listError) {
        const failure = describeFailure(listError, this.logger);
        sendPage(response, failure.status, errorPage(this.server, 'TOTP devices', `${text}. ${failure.text}`, { href: LoginRoutes.Home, label: 'Back' }));
      }
    }
  }
}
