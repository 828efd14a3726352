import { loadJobsConfig, type JobsConfig } from './jobs/config.ts';

/** Configuration, read and validated once at start (STYLE: wiring happens in one place). */
export interface Config {
  databaseUrl: string | undefined;
  dataDir: string;
  schema: string | undefined;
  port: number;
  host: string;
  /** Outgoing mail for collections (emails, statements, faxes through a gateway). */
  mail: MailConfig;
  /** The card gateway (Stripe); undefined when ARC_STRIPE_SECRET_KEY is unset. */
  stripe: StripeConfig | undefined;
  /** The in-process scheduler (src/jobs/). */
  jobs: JobsConfig;
  /** Memory for the answers of the busiest reads (src/http/read-cache.ts); 0: off. */
  readCacheBytes: number;
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
    mail: loadMailConfig(env),
    stripe: loadStripeConfig(env),
    jobs: loadJobsConfig(env),
    readCacheBytes: readCacheBytes(env.ARC_READ_CACHE_MB),
  };
}

/** ARC_READ_CACHE_MB: megabytes for cached answers (default 64; 0 turns the cache off). */
function readCacheBytes(value: string | undefined): number {
  if (value === undefined || value === '') return 64 * 1024 * 1024;
  const mb = Number(value);
  if (!Number.isInteger(mb) || mb < 0) {
    throw new Error(`ARC_READ_CACHE_MB must be a whole number of megabytes, got ${value}`);
  }
  return mb * 1024 * 1024;
}

export interface MailConfig {
  /** SMTP server; undefined when ARC_SMTP_HOST is unset (sending email is then refused). */
  smtp: { host: string; port: number; secure: boolean; user?: string; password?: string }
    | undefined;
  /** The From address of collections email (ARC_MAIL_FROM). */
  from: string;
  /** Email-to-fax gateway address with {fax} for the digits, e.g. "{fax}@fax.example.com". */
  faxGateway: string | undefined;
  /** The name on letters and statements (ARC_COMPANY_NAME). */
  companyName: string;
}

export function loadMailConfig(env: NodeJS.ProcessEnv): MailConfig {
  const port = Number(env.ARC_SMTP_PORT ?? 587);
  if (!Number.isInteger(port) || port <= 0 || port > 65535) {
    throw new Error(`ARC_SMTP_PORT must be a port number, got ${env.ARC_SMTP_PORT}`);
  }
  const gateway = env.ARC_FAX_GATEWAY || undefined;
  if (gateway && !gateway.includes('{fax}')) {
    throw new Error(`ARC_FAX_GATEWAY must contain {fax}, got ${gateway}`);
  }
  return {
    smtp: env.ARC_SMTP_HOST ? {
      host: env.ARC_SMTP_HOST, port, secure: env.ARC_SMTP_SECURE === 'true',
      user: env.ARC_SMTP_USER || undefined, password: env.ARC_SMTP_PASSWORD || undefined,
    } : undefined,
    from: env.ARC_MAIL_FROM || 'collections@localhost',
    faxGateway: gateway,
    companyName: env.ARC_COMPANY_NAME || 'ARC',
  };
}

export interface StripeConfig {
  secretKey: string;
  /** The API's address; default Stripe's own (api.stripe.com, 443, https). */
  host: string | undefined;
  port: number | undefined;
  protocol: 'http' | 'https' | undefined;
}

export function loadStripeConfig(env: NodeJS.ProcessEnv): StripeConfig | undefined {
  if (!env.ARC_STRIPE_SECRET_KEY) return undefined;
  const port = env.ARC_STRIPE_PORT ? Number(env.ARC_STRIPE_PORT) : undefined;
  if (port !== undefined && (!Number.isInteger(port) || port <= 0 || port > 65535)) {
    throw new Error(`ARC_STRIPE_PORT must be a port number, got ${env.ARC_STRIPE_PORT}`);
  }
  const protocol = env.ARC_STRIPE_PROTOCOL || undefined;
  if (protocol !== undefined && protocol !== 'http' && protocol !== 'https') {
    throw new Error(`ARC_STRIPE_PROTOCOL must be http or https, got ${protocol}`);
  }
  return { secretKey: env.ARC_STRIPE_SECRET_KEY, host: env.ARC_STRIPE_HOST || undefined, port,
    protocol };
}
