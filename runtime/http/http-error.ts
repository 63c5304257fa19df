/**
 * An error a handler throws to answer with a given status and message: the shared error handler sends it as
 * `{"message": …}` with that status. Anything else thrown becomes a 500 whose details stay on the server.
 */
export class HttpError extends Error {
  constructor(
    readonly statusCode: number,
    message: string,
  ) {
    super(message);
    this.name = 'HttpError';
  }
}

export const badRequest = (message: string): HttpError => new HttpError(400, message);
export const forbidden = (message: string): HttpError => new HttpError(403, message);
export const notFound = (message: string): HttpError => new HttpError(404, message);
