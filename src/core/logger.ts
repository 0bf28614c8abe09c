import pino, { type Logger } from 'pino';

/** JSON logs; anything that could carry a secret is redacted by path, whatever the call site. */
export function createLogger(level: string): Logger {
  return pino({
    level,
    base: { service: 'regql' },
    redact: {
      paths: [
        'authorization',
        'token',
        'password',
        'secret',
        '*.authorization',
        '*.token',
        '*.password',
        '*.secret',
        'req.headers.authorization',
        'req.headers.cookie',
        'connectionParams',
      ],
      censor: '[redacted]',
    },
  });
}

/**
 * A service URL (Redis, PostgreSQL) as it may be logged: without user name, password or query
 * (`?password=` and `?sslpassword=` are valid there).
 */
export function urlForLogs(url: string): string {
  try {
    const parsed = new URL(url);
    parsed.username = '';
    parsed.password = '';
    parsed.search = '';
    return parsed.toString();
  } catch {
    return '(unparsable URL)';
  }
}
