import { Controller, Get } from '@nestjs/common';

import type { HealthReply } from '@domsim/client';

import { HealthService } from './health.service';

@Controller()
export class HealthController {
  constructor(private readonly health: HealthService) {}

  @Get('health')
  get(): HealthReply {
    return this.health.health();
  }
}
