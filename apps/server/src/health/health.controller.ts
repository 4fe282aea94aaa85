import { Controller, Get } from '@nestjs/common';
import { HealthCheck, type HealthCheckResult, HealthCheckService } from '@nestjs/terminus';

import type { HealthReply } from '@domsim/client';

import { HealthService } from './health.service';
import { ReadinessIndicators } from './readiness.indicators';

@Controller()
export class HealthController {
  constructor(
    private readonly health: HealthService,
    private readonly checks: HealthCheckService,
    private readonly readiness: ReadinessIndicators,
  ) {}

  /** Returns the server's name, replicas and digests, as the NATS health request does. */
  @Get('health')
  get(): HealthReply {
    return this.health.health();
  }

  /** Liveness: 200 while the process serves HTTP; restart it when this fails. */
  @Get('health/live')
  @HealthCheck()
  live(): Promise<HealthCheckResult> {
    return this.checks.check([]);
  }

  /** Readiness: 200 when a NATS round trip completes and the directory is loaded, else 503 with the failing check. */
  @Get('health/ready')
  @HealthCheck()
  ready(): Promise<HealthCheckResult> {
    return this.checks.check([() => this.readiness.nats(), () => this.readiness.directory()]);
  }
}
