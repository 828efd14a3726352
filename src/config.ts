/** Configuration, read and validated once at start (STYLE: wiring happens in one place). */
export interface Config {
  databaseUrl: string | undefined;
  dataDir: string;
  schema: string | undefined;
  port: number;
  host: string;
}

export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const port = Number(env.PORT ?? 3000);
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    throw new Error(`PORT must be a port number, got ${env.PORT}`);
  }
  return {
    databaseUrl: env.DATABASE_URL || undefined,
    dataDir: env.ARC_DATA_DIR || './data',
    schema: env.ARC_SCHEMA || undefined,
    port,
    host: env.HOST || '127.0.0.1',
  };
}
