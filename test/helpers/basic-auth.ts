/** An `Authorization: Basic` value, as registry clients send a user name and password (or token). */
export const basicAuth = (username: string, password: string): string =>
  `Basic ${Buffer.from(`${username}:${password}`).toString('base64')}`;
