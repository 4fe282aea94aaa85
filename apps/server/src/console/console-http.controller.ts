import { BadRequestException, Body, Controller, Headers, HttpCode, Post, Res, UnauthorizedException } from '@nestjs/common';
import type { Response } from 'express';

import type { ConsoleReply } from '@domsim/client';

import { AdminAuthService, CONSOLE_AUTH_CHALLENGE } from './admin-auth.service';
import { ConsoleService } from './console.service';
import { consoleRequestSchema } from './console-request';

/**
 * POST /api/console runs a console command for an administrator of this server (HTTP Basic
 * with the Internet password). The reply is the same as over NATS: `ok` false means the
 * command ran and failed, with status 200 all the same.
 */
@Controller('api')
export class ConsoleHttpController {
  constructor(
    private readonly console: ConsoleService,
    private readonly auth: AdminAuthService,
  ) {}

  @Post('console')
  @HttpCode(200)
  async run(@Headers('authorization') authorization: string | undefined, @Body() body: unknown, @Res({ passthrough: true }) response: Response): Promise<ConsoleReply> {
    try {
      this.auth.authenticate(authorization);
    } catch (error) {
      if (error instanceof UnauthorizedException) response.setHeader('WWW-Authenticate', CONSOLE_AUTH_CHALLENGE);
      throw error;
    }
    const request = consoleRequestSchema.safeParse(body);
    if (!request.success) {
      const issue = request.error.issues[0];
      throw new BadRequestException(`invalid console request: ${issue.path.join('.') || 'body'}: ${issue.message}; send {"command": "show server"}`);
    }
    return this.console.runSealed(request.data, request.data.requestId);
  }
}
