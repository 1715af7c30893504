/**
 * A failure the user can act on, described in one line (no stack trace is printed for it):
 * a missing build, a missing redis-server, a refused webhook, a child that would not start.
 */
export class StackError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'StackError';
  }
}
