import { BadRequestException, Controller, Get, NotFoundException, Query } from '@nestjs/common';

import type { ViewReply } from '@domsim/client';

import { ViewNotFoundError, ViewsService } from './views.service';

@Controller('api')
export class ViewsController {
  constructor(private readonly views: ViewsService) {}

  /** GET /api/view?database=names.nsf&view=Certificates */
  @Get('view')
  get(@Query('database') database: unknown, @Query('view') view: unknown): ViewReply {
    if (typeof database !== 'string' || database === '' || typeof view !== 'string' || view === '') {
      throw new BadRequestException('query parameters database and view are required, once each, e.g. /api/view?database=names.nsf&view=Certificates');
    }
    try {
      return this.views.render(database, view);
    } catch (error) {
      if (error instanceof ViewNotFoundError) throw new NotFoundException(error.message);
      throw error;
    }
  }
}
