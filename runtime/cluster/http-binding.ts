/**
 * A component's HTTP server, bound once per unit run; a unit restart binds the same port again (an OS-chosen port
 * stays put, so endpoints.json stays true). Every server it builds journals its 500s to the owning unit.
 */
import type { FastifyInstance } from 'fastify';
import { journalInternalErrors, type HttpServerOptions } from '../http/http-server.ts';
import { listenHttp } from '../http/listen-http.ts';
import type { UnitLog } from '../units/unit-log.ts';
import { freePort } from './free-port.ts';

/** Builds the server from the options every server of a unit shares (createHttpServer(options) + routes). */
export type HttpServerBuilder = (options: HttpServerOptions) => Promise<FastifyInstance>;

export class HttpBinding {
  private port: number;
  private app: FastifyInstance | undefined;

  constructor(
    private readonly ip: string,
    port: number,
    private readonly build: HttpServerBuilder,
  ) {
    this.port = port;
  }

  /** The port this binding will use, choosing a free one now when the OS is to pick (a component may need it first). */
  async reservePort(): Promise<number> {
    if (this.port === 0) this.port = await freePort(this.ip);
    return this.port;
  }

  /** Builds and binds the server; `log` is the owning unit's journal. Resolves with its base URL. */
  async open(log: UnitLog): Promise<string> {
    const app = await this.build({ onInternalError: journalInternalErrors(log) });
    try {
      const bound = await listenHttp(app, this.ip, this.port);
      this.port = bound.port;
      this.app = app;
      return bound.url;
    } catch (err) {
      await app.close();
      throw err;
    }
  }

  async close(): Promise<void> {
    const app = this.app;
    this.app = undefined;
    await app?.close();
  }
}
