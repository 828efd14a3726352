import { Type } from 'typebox';
import { signIn } from '../../auth/sign-in.ts';
import { signOut } from '../../auth/sign-out.ts';
import { SESSION_COOKIE, SESSION_TTL_MS } from '../../auth/sessions.ts';
import { principalOf, requestActor } from '../auth-plugin.ts';
import { sendError } from '../problem.ts';
import { SessionUserSchema } from '../schemas.ts';
import type { RouteModule } from '../server.ts';

// Browser sign-in: POST /session sets an HttpOnly, SameSite=Lax session cookie and returns the
// CSRF token the app sends back in X-CSRF-Token; GET /session/me restores it after a reload.

const SessionSchema = Type.Object({
  user: SessionUserSchema,
  csrfToken: Type.Union([Type.String(), Type.Null()], {
    description: 'send in X-CSRF-Token on unsafe requests (null for API tokens)',
  }),
});

const cookieOptions = {
  httpOnly: true, sameSite: 'lax', path: '/', secure: 'auto',
} as const;

export const sessionRoutes: RouteModule = async (app, { deps }) => {
  app.post('/session', {
    config: { permission: 'public' },
    schema: {
      summary: 'Sign in', tags: ['session'],
      body: Type.Object({
        username: Type.String({ minLength: 1, maxLength: 200 }),
        password: Type.String({ minLength: 1, maxLength: 1000 }),
      }, { additionalProperties: false }),
      response: { 200: SessionSchema },
    },
  }, async (request, reply) => {
    const r = await signIn(deps.db, {
      username: request.body.username, password: request.body.password, source: request.ip,
      userAgent: request.headers['user-agent'] ?? null,
    }, deps.clock.now());
    if (!r.ok) {
      if (r.error.code === 'sign_in_rate_limited') {
        reply.header('retry-after', String(r.error.retryAfterSeconds));
      }
      return sendError(reply, r.error);
    }
    const { user, session } = r.value;
    reply.setCookie(SESSION_COOKIE, session.token, {
      ...cookieOptions, maxAge: Math.floor(SESSION_TTL_MS / 1000),
    });
    return {
      user: { username: user.username, displayName: user.displayName, role: user.role },
      csrfToken: session.csrfToken,
    };
  });

  app.get('/session/me', {
    config: { permission: 'authenticated' },
    schema: { summary: 'The signed-in user', tags: ['session'], response: { 200: SessionSchema } },
  }, async (request) => {
    const p = principalOf(request);
    return {
      user: { username: p.username, displayName: p.displayName, role: p.role },
      csrfToken: p.session?.csrfToken ?? null,
    };
  });

  app.delete('/session', {
    config: { permission: 'authenticated' },
    schema: {
      summary: 'Sign out', tags: ['session'],
      response: { 204: Type.Null({ description: 'signed out' }) },
    },
  }, async (request, reply) => {
    const p = principalOf(request);
    if (p.session) {
      await signOut(deps.db, requestActor(request), p.session.tokenHash);
      deps.principals.forgetSession(p.session.tokenHash);
    }
    reply.clearCookie(SESSION_COOKIE, cookieOptions);
    return reply.code(204).send(null);
  });
};
