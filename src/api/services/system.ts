import { SystemHealthSchema, type SystemHealth } from '../models.js';
import { ApiResource, type ServiceContext } from './resource.js';

export class SystemService extends ApiResource {
  constructor(ctx: ServiceContext) {
    super(ctx);
  }

  /**
   * Server health. A 500 carrying a SystemHealth body is the server's way of saying "offline",
   * so it is returned, not thrown, and not retried.
   */
  async health(): Promise<SystemHealth> {
    return this.transport.request(
      {
        method: 'GET',
        path: '/health',
        acceptStatus: (status, body) => status === 500 && SystemHealthSchema.safeParse(body).success,
      },
      SystemHealthSchema,
    );
  }
}
