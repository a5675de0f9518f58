/**
 * Sign-in with SSO (docs/sso.md), the only routes besides health and discovery that need no
 * credential; each is rate-limited per client address.
 *
 *   GET  /v1/login                   start: pending sign-in sealed in a cookie → redirect to the provider
 *   GET  /v1/login/callback          finish: check the provider's answer → match the user to the
 *                                    configuration's directory → issue a sign-in credential → hand it
 *                                    over (to a CLI on loopback, to a device login, or on a page)
 *   POST /v1/login/device            a device-code sign-in for a machine without a browser
 *   GET  /v1/login/device/verify     the page where the person enters or confirms the user code
 *   POST /v1/login/device/verify     start the sign-in that approves that code
 *   POST /v1/login/device/token      the CLI's poll: `authorization_pending`, then the credential once
 *
 * A sign-in credential is recorded like every credential (issue-recorded-credential.ts): the
 * person lists it with `GET /v1/sessions` and ends it, with its sessions, with
 * `DELETE /v1/sessions/:id` (`parapet logout`).
 */
import { createHash, randomBytes, randomInt } from 'node:crypto';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { ErrorBody } from '../../contract/error-body.ts';
import { DeviceLogin, DeviceToken, DeviceTokenRequest, DeviceVerifyForm, LoginQuery, type SignInCredential } from '../../contract/login.ts';
import { matchDirectoryUser, type DirectoryUser } from '../../identity/match-directory-user.ts';
import { finishLogin, isLoopbackHost, startLogin } from '../../identity/oidc-login.ts';
import { openPendingLogin, sealPendingLogin, type AfterSignIn } from '../../identity/pending-login-seal.ts';
import type { SignedInUser } from '../../identity/signed-in-user.ts';
import { ParapetError } from '../../policy/index.ts';
import { approveDeviceLogin, createDeviceLogin, deleteExpiredDeviceLogins, isDeviceLoginPending, pollDeviceLogin } from '../../store/index.ts';
import { issueRecordedCredential } from '../issue-recorded-credential.ts';
import { ANONYMOUS_PRINCIPAL, reasonOf, recordAuditEvent } from '../record-audit-event.ts';
import type { ServerContext } from '../server-context.ts';
import type { SsoSignIn } from '../sso-sign-in.ts';
import type { ZodApp } from '../zod-app.ts';

/** how long a sign-in credential lasts: a working day; sessions made from it are shorter */
export const SIGN_IN_LIFETIME_SECONDS = 12 * 3600;
export const DEVICE_LOGIN_SECONDS = 600;
export const DEVICE_POLL_INTERVAL_SECONDS = 2;
export const LOGIN_COOKIE = 'parapet_login';

/** per client address and minute: a person signs in a few times a day, a CLI polls every 2 s */
const SIGN_IN_RATE = { max: 30, timeWindow: 60_000 };
const POLL_RATE = { max: 90, timeWindow: 60_000 };

/** RFC 8628 §6.1: consonants only (no vowels, so no words), and none that read alike */
const USER_CODE_ALPHABET = 'BCDFGHJKLMNPQRSTVWXZ';
const USER_CODE_LENGTH = 8;

export function loginRoutes(app: ZodApp, context: ServerContext): void {
  // a plugin scope, so only these routes read HTML form posts
  void app.register(async (scope: ZodApp) => {
    scope.addContentTypeParser('application/x-www-form-urlencoded', { parseAs: 'string', bodyLimit: 4096 }, (_request, body, done) => {
      done(null, Object.fromEntries(new URLSearchParams(String(body))));
    });

    scope.get(
      '/v1/login',
      {
        config: { access: 'public', rateLimit: SIGN_IN_RATE },
        schema: { tags: ['sign-in'], summary: 'start a sign-in: redirect to the identity provider', querystring: LoginQuery, response: { 400: ErrorBody, 503: ErrorBody } },
      },
      async (request, reply) => {
        const sso = requireSso(context);
        const after: AfterSignIn = request.query.cli_redirect === undefined ? { kind: 'browser' } : { kind: 'cli', redirect: checkCliRedirect(request.query.cli_redirect) };
        return redirectToProvider(context, sso, reply, after);
      },
    );

    scope.get(
      '/v1/login/callback',
      { config: { access: 'public', rateLimit: SIGN_IN_RATE }, schema: { tags: ['sign-in'], summary: 'the identity provider sends the browser back here', response: { 400: ErrorBody, 401: ErrorBody, 403: ErrorBody, 422: ErrorBody, 503: ErrorBody } } },
      async (request, reply) => {
        const sso = requireSso(context);
        const now = context.clock();
        // single use: whatever happens next, this browser's pending sign-in is over
        void reply.clearCookie(LOGIN_COOKIE, cookieOptions(context));
        // who the provider said, once it did: a failure after that is recorded under their name
        let known: string | undefined;
        let handover: AfterSignIn['kind'] | undefined;
        try {
          const { pending, after } = await openPendingLogin(request.cookies[LOGIN_COOKIE], sso.cookieKey, { now });
          handover = after.kind;
          const client = await sso.client();
          const user = await finishLogin(client, request.url, pending, { now });
          known = user.email ?? user.subject;
          const matched = matchUser(context, sso, user);
          known = matched.userName;
          switch (after.kind) {
            case 'browser': {
              const credential = await issueSignIn(context, request, matched, user, now, 'browser');
              return sendHtml(reply, 200, credentialPage(credential));
            }
            case 'cli': {
              const credential = await issueSignIn(context, request, matched, user, now, 'cli');
              const target = new URL(after.redirect);
              target.searchParams.set('token', credential.token);
              return reply.redirect(target.href, 302);
            }
            case 'device': {
              const times = authTimes(user, now);
              // the approval hands the device its credential at its next poll: on record before it is stored
              await recordAuditEvent(context, { principal: matched.userName }, request, {
                type: 'sign-in',
                action: 'sso-sign-in',
                outcome: 'success',
                resource: `device-login:${formatUserCode(after.userCode)}`,
                details: { method: 'sso', handover: 'device', issuer: sso.settings.issuer, mfa: times.mfaTime !== undefined },
              });
              const approved = await approveDeviceLogin(context.store, after.userCode, { userName: matched.userName, ...times }, now);
              if (!approved) throw new ParapetError('not-found', `device code \`${formatUserCode(after.userCode)}\` expired or was already used: run \`parapet login --device\` again`);
              return sendHtml(reply, 200, page('Signed in', `<p>Signed in as <b>${escapeHtml(matched.userName)}</b>. Go back to your terminal: <code>parapet login</code> finishes there.</p>`));
            }
            default: {
              const never: never = after;
              return never;
            }
          }
        } catch (error) {
          await recordSignInFailure(context, request, known, { action: 'sso-sign-in', details: { method: 'sso', handover, issuer: sso.settings.issuer } }, error);
          throw error;
        }
      },
    );

    scope.post(
      '/v1/login/device',
      { config: { access: 'public', rateLimit: SIGN_IN_RATE }, schema: { tags: ['sign-in'], summary: 'start a device-code sign-in for a machine without a browser', response: { 200: DeviceLogin, 503: ErrorBody } } },
      async (): Promise<DeviceLogin> => {
        requireSso(context);
        const now = context.clock();
        // the table only grows with abandoned logins: drop the expired ones as new ones come
        await deleteExpiredDeviceLogins(context.store, now);
        const deviceCode = randomBytes(32).toString('base64url');
        for (let attempt = 0; attempt < 5; attempt += 1) {
          const userCode = randomUserCode();
          const created = await createDeviceLogin(context.store, {
            userCode,
            deviceCodeHash: hashDeviceCode(deviceCode),
            createdAt: now,
            expiresAt: new Date(now.getTime() + DEVICE_LOGIN_SECONDS * 1000),
          });
          if (!created) continue;
          const verificationUri = `${context.settings.publicUrl}/v1/login/device/verify`;
          return {
            deviceCode,
            userCode: formatUserCode(userCode),
            verificationUri,
            verificationUriComplete: `${verificationUri}?user_code=${formatUserCode(userCode)}`,
            interval: DEVICE_POLL_INTERVAL_SECONDS,
            expiresIn: DEVICE_LOGIN_SECONDS,
          };
        }
        throw new ParapetError('unavailable', 'cannot draw an unused user code: try again');
      },
    );

    scope.get(
      '/v1/login/device/verify',
      { config: { access: 'public', rateLimit: SIGN_IN_RATE }, schema: { tags: ['sign-in'], summary: 'the page to enter or confirm a device code', querystring: DeviceVerifyForm.partial() } },
      async (request, reply) => {
        requireSso(context);
        const code = request.query.user_code ?? '';
        return sendHtml(
          reply,
          200,
          page(
            'Sign in a device',
            `<p>Check that this code is the one your terminal shows, then sign in to approve it. Never enter a code someone else gave you.</p>
<form method="post" action="/v1/login/device/verify">
<label>Code <input name="user_code" value="${escapeHtml(code)}" autocomplete="off" required></label>
<button type="submit">Sign in</button>
</form>`,
          ),
        );
      },
    );

    scope.post(
      '/v1/login/device/verify',
      { config: { access: 'public', rateLimit: SIGN_IN_RATE }, schema: { tags: ['sign-in'], summary: 'approve a device code: sign in with the identity provider', body: DeviceVerifyForm, response: { 403: ErrorBody, 404: ErrorBody, 503: ErrorBody } } },
      async (request, reply) => {
        const sso = requireSso(context);
        // only our own page may start this: a form on another site must not make a signed-in
        // person approve an attacker's device (RFC 8628 §5.4)
        if (request.headers.origin !== new URL(context.settings.publicUrl).origin) {
          throw new ParapetError('forbidden', 'a device code can only be approved from this server\'s own page');
        }
        const userCode = normalizeUserCode(request.body.user_code);
        if (userCode === undefined || !(await isDeviceLoginPending(context.store, userCode, context.clock()))) {
          throw new ParapetError('not-found', `device code \`${request.body.user_code.slice(0, 16)}\` is not waiting for a sign-in: check it, or run \`parapet login --device\` again`);
        }
        return redirectToProvider(context, sso, reply, { kind: 'device', userCode }, 303);
      },
    );

    scope.post(
      '/v1/login/device/token',
      { config: { access: 'public', rateLimit: POLL_RATE }, schema: { tags: ['sign-in'], summary: 'poll a device-code sign-in', body: DeviceTokenRequest, response: { 200: DeviceToken, 401: ErrorBody, 503: ErrorBody } } },
      async (request): Promise<DeviceToken> => {
        requireSso(context);
        const now = context.clock();
        const poll = await pollDeviceLogin(context.store, hashDeviceCode(request.body.deviceCode), now);
        const failure = async (error: ParapetError): Promise<never> => {
          await recordSignInFailure(context, request, undefined, { action: 'device-sign-in', details: { method: 'device', status: poll.status } }, error);
          throw error;
        };
        switch (poll.status) {
          case 'pending':
            // polls go on every few seconds until the person approves: not events, the approval and the credential are
            return { status: 'authorization_pending' };
          case 'approved': {
            const credential = await issueCredentialFor(context, request, poll.approval.userName, poll.approval.authTime, poll.approval.mfaTime, { action: 'device-sign-in', method: 'device' });
            return { status: 'complete', ...credential };
          }
          case 'expired':
            return failure(new ParapetError('unauthenticated', 'the device code expired: run `parapet login --device` again'));
          case 'unknown':
          case 'consumed':
            return failure(new ParapetError('unauthenticated', 'the device code is not valid or was already used'));
          default: {
            const never: never = poll;
            return never;
          }
        }
      },
    );

  });
}

function requireSso(context: ServerContext): SsoSignIn {
  if (context.sso === undefined) {
    throw new ParapetError('unavailable', 'sign-in is not configured on this server: give it `sso` settings (docs/sso.md), or run it with `--demo`');
  }
  return context.sso;
}

async function redirectToProvider(context: ServerContext, sso: SsoSignIn, reply: FastifyReply, after: AfterSignIn, status: 302 | 303 = 302): Promise<FastifyReply> {
  const now = context.clock();
  const client = await sso.client();
  const { authorizationUrl, pending } = await startLogin(client, { redirectUri: sso.redirectUri, now });
  const sealed = await sealPendingLogin({ pending, after }, sso.cookieKey, { now, maxAgeSeconds: sso.settings.pendingLoginMaxAgeSeconds });
  void reply.setCookie(LOGIN_COOKIE, sealed, { ...cookieOptions(context), maxAge: sso.settings.pendingLoginMaxAgeSeconds });
  return reply.redirect(authorizationUrl, status);
}

function cookieOptions(context: ServerContext) {
  // Lax: the provider's redirect back is a top-level GET, which carries it; a cross-site POST does not
  return { path: '/v1/login', httpOnly: true, sameSite: 'lax', secure: context.settings.publicUrl.startsWith('https:') } as const;
}

/** only a CLI on this machine may receive a credential by redirect */
export function checkCliRedirect(given: string): string {
  let url: URL;
  try {
    url = new URL(given);
  } catch {
    throw new ParapetError('usage', `\`cli_redirect\` is not a URL: \`${given.slice(0, 200)}\``);
  }
  if (url.protocol !== 'http:' || !isLoopbackHost(url.hostname) || url.username !== '' || url.password !== '' || url.port === '') {
    throw new ParapetError('usage', '`cli_redirect` must be `http://127.0.0.1:PORT/...` (or [::1], localhost): a credential is only handed to a program on this machine');
  }
  url.hash = '';
  return url.href;
}

function matchUser(context: ServerContext, sso: SsoSignIn, user: SignedInUser): DirectoryUser {
  const active = context.config.current();
  if (active === undefined) throw new ParapetError('unavailable', 'no configuration is applied yet, so no one can sign in: apply one with `parapet apply`');
  return matchDirectoryUser(user, active.directory, sso.settings);
}

/**
 * The credential's times in seconds: `authTime` is when the person authenticated at the provider
 * (the callback's time when the provider does not say); `mfaTime` only when a second factor was
 * used and the provider said when: an MFA of unknown age is not trusted as MFA.
 */
function authTimes(user: SignedInUser, now: Date): { authTime: number; mfaTime?: number } {
  const authTime = Math.floor((user.mfa.authTime ?? now).getTime() / 1000);
  return user.mfa.present && user.mfa.authTime !== undefined ? { authTime, mfaTime: authTime } : { authTime };
}

async function issueSignIn(context: ServerContext, request: FastifyRequest, matched: DirectoryUser, user: SignedInUser, now: Date, handover: 'browser' | 'cli'): Promise<SignInCredential> {
  const { authTime, mfaTime } = authTimes(user, now);
  return issueCredentialFor(context, request, matched.userName, authTime, mfaTime, { action: 'sso-sign-in', method: 'sso', handover, issuer: context.sso?.settings.issuer });
}

interface SignInAudit {
  readonly action: 'sso-sign-in' | 'device-sign-in';
  readonly method: 'sso' | 'device';
  readonly handover?: 'browser' | 'cli' | undefined;
  readonly issuer?: string | undefined;
}

/** the sign-in credential, handed out only once its `sign-in` event is durable (issue-recorded-credential.ts) */
async function issueCredentialFor(context: ServerContext, request: FastifyRequest, userName: string, authTime: number, mfaTime: number | undefined, audit: SignInAudit): Promise<SignInCredential> {
  const { token, claims } = await issueRecordedCredential(context, { jti: context.newId(), sub: userName, use: 'sign-in', authTime, mfaTime }, SIGN_IN_LIFETIME_SECONDS, {
    request,
    fields: (issued) => ({
      type: 'sign-in',
      action: audit.action,
      outcome: 'success',
      resource: `credential:${issued.jti}`,
      details: { method: audit.method, handover: audit.handover, issuer: audit.issuer, credential: issued.jti, expiresAt: new Date(issued.exp * 1000).toISOString(), mfa: issued.mfaTime !== undefined },
    }),
  });
  return { token, user: userName, expiresAt: new Date(claims.exp * 1000).toISOString() };
}

/**
 * A failed sign-in on record, under the person's name when the provider had said it. The sign-in
 * failed anyway: when even this cannot be written the caller gets the sign-in's own error, and
 * the server's log says the event is missing.
 */
async function recordSignInFailure(
  context: ServerContext,
  request: FastifyRequest,
  principal: string | undefined,
  what: { readonly action: string; readonly details: Readonly<Record<string, unknown>> },
  error: unknown,
): Promise<void> {
  await recordAuditEvent(context, { principal: principal ?? ANONYMOUS_PRINCIPAL }, request, {
    type: 'sign-in',
    action: what.action,
    outcome: 'failure',
    details: { ...what.details, reason: reasonOf(error) },
  }).catch((recordError: unknown) => request.log.error({ err: recordError }, 'cannot record a failed sign-in in the audit log'));
}

function hashDeviceCode(deviceCode: string): string {
  return createHash('sha256').update(deviceCode, 'utf8').digest('hex');
}

function randomUserCode(): string {
  let code = '';
  for (let i = 0; i < USER_CODE_LENGTH; i += 1) code += USER_CODE_ALPHABET[randomInt(USER_CODE_ALPHABET.length)];
  return code;
}

function formatUserCode(code: string): string {
  return `${code.slice(0, 4)}-${code.slice(4)}`;
}

/** what a person typed: any case, with or without the dash or spaces */
function normalizeUserCode(typed: string): string | undefined {
  const code = typed.toUpperCase().replace(/[\s-]/g, '');
  return code.length === USER_CODE_LENGTH && [...code].every((c) => USER_CODE_ALPHABET.includes(c)) ? code : undefined;
}

function credentialPage(credential: SignInCredential): string {
  return page(
    'Signed in',
    `<p>Signed in as <b>${escapeHtml(credential.user)}</b> until ${escapeHtml(credential.expiresAt)}.</p>
<p>Your sign-in credential (send it as <code>Authorization: Bearer …</code>; <code>parapet login</code> stores it for you):</p>
<pre style="white-space:pre-wrap;word-break:break-all">${escapeHtml(credential.token)}</pre>`,
  );
}

function page(title: string, body: string): string {
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Parapet: ${escapeHtml(title)}</title>
<style>body{font-family:system-ui,sans-serif;max-width:40rem;margin:3rem auto}label{display:block;margin:.75rem 0}</style>
</head><body><h1>${escapeHtml(title)}</h1>${body}</body></html>`;
}

function sendHtml(reply: FastifyReply, status: number, html: string): FastifyReply {
  return reply
    .code(status)
    .header('content-type', 'text/html; charset=utf-8')
    .header('content-security-policy', "default-src 'none'; style-src 'unsafe-inline'; form-action 'self'; frame-ancestors 'none'")
    .header('referrer-policy', 'no-referrer')
    .send(html);
}

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}
