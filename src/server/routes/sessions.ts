/**
 * Sessions: a person with a sign-in credential assumes a permission set in an account and gets a
 * short-lived session credential; they list and revoke their own credentials; an operator's
 * automation (a service account) revokes every credential of any user (offboarding).
 *
 * Assume, as a list of steps: the caller's sign-in → the configuration in force → the account and
 * permission set it names → the user holds them through a group, standing → the lifetime → issue
 * and record → the answer, with the session principal AWS would see.
 */
import type { FastifyRequest } from 'fastify';
import { ErrorBody } from '../../contract/error-body.ts';
import { AssumeRequest, CredentialIdParams, Revoked, SessionIssued, SessionList, UserParams, type CredentialSummary } from '../../contract/sessions.ts';
import { permissionSetRoleArn, principalFactsOf, principalSession, sessionFactsOf } from '../../analysis/principal-session.ts';
import type { CredentialClaims } from '../../identity/credential.ts';
import { didYouMean, findAccount, listPrincipalAccess, type Account, type PermissionSet } from '../../org/index.ts';
import { ParapetError } from '../../policy/index.ts';
import { findCredential, listLiveCredentials } from '../../store/index.ts';
import type { ActiveConfiguration } from '../active-config.ts';
import { callerOf } from '../authenticate.ts';
import type { Caller } from '../caller.ts';
import { issueRecordedCredential } from '../issue-recorded-credential.ts';
import { auditedChange, auditPrincipalOf } from '../record-audit-event.ts';
import { SERVICE_SUBJECT_PREFIX } from '../parapet-credential-authenticator.ts';
import type { ServerContext } from '../server-context.ts';
import type { ZodApp } from '../zod-app.ts';

const iso = (seconds: number): string => new Date(seconds * 1000).toISOString();

export function sessionsRoutes(app: ZodApp, context: ServerContext): void {
  app.post(
    '/v1/sessions',
    {
      schema: {
        tags: ['sessions'],
        summary: 'assume a permission set in an account: a short-lived session credential',
        body: AssumeRequest,
        response: { 201: SessionIssued, 401: ErrorBody, 403: ErrorBody, 404: ErrorBody, 422: ErrorBody, 503: ErrorBody },
      },
    },
    async (request, reply) => {
      const signIn = signInOf(callerOf(request));
      const active = activeConfiguration(context);
      const { account, permissionSet } = targetOf(active, request.body);
      checkHolds(active, signIn.sub, account, permissionSet);
      const lifetimeSeconds = lifetimeOf(request.body.durationSeconds, permissionSet, signIn, context.clock());
      const user = { kind: 'user', name: signIn.sub } as const;
      const session = principalSession(user, account.id, permissionSet.name, principalFactsOf(sessionFactsOf(active.config), user, active.directory));
      const { token, claims } = await issueRecordedCredential(
        context,
        {
          jti: context.newId(),
          sub: signIn.sub,
          use: 'session',
          authTime: signIn.authTime,
          ...(signIn.mfaTime === undefined ? {} : { mfaTime: signIn.mfaTime }),
          parent: signIn.jti,
          account: account.id,
          permissionSet: permissionSet.name,
        },
        lifetimeSeconds,
        {
          request,
          // the person, with the sign-in credential that asked
          who: { principal: signIn.sub, session: signIn.jti },
          fields: (issued) => ({
            type: 'session-issued',
            action: 'assume',
            outcome: 'success',
            resource: session.principal,
            account: account.id,
            details: {
              sessionId: issued.jti,
              permissionSet: permissionSet.name,
              accountName: account.name,
              // what CloudTrail logs for this session: join its events on the role session name
              roleArn: permissionSetRoleArn(account.id, permissionSet.name),
              roleSessionName: roleSessionNameOf(session.principal),
              expiresAt: iso(issued.exp),
              configVersion: active.version,
              mfa: issued.mfaTime !== undefined,
            },
          }),
        },
      );
      const issued: SessionIssued = {
        id: claims.jti,
        token,
        issuedAt: iso(claims.iat),
        expiresAt: iso(claims.exp),
        account: { id: account.id, name: account.name },
        permissionSet: permissionSet.name,
        principalArn: session.principal,
      };
      return reply.code(201).send(issued);
    },
  );

  app.get(
    '/v1/sessions',
    { schema: { tags: ['sessions'], summary: 'the caller\'s credentials that are neither expired nor revoked (never their tokens)', response: { 200: SessionList, 401: ErrorBody, 403: ErrorBody } } },
    async (request): Promise<SessionList> => {
      const caller = callerOf(request);
      const subject = subjectOf(caller);
      const current = caller.kind === 'user' ? caller.claims.jti : undefined;
      const live = await listLiveCredentials(context.store, subject, context.clock());
      const credentials = live.map(
        (credential): CredentialSummary => ({
          id: credential.jti,
          use: credential.use,
          issuedAt: credential.issuedAt,
          expiresAt: credential.expiresAt,
          ...(credential.account === undefined ? {} : { account: credential.account }),
          ...(credential.permissionSet === undefined ? {} : { permissionSet: credential.permissionSet }),
          ...(credential.parent === undefined ? {} : { parent: credential.parent }),
          current: credential.jti === current,
        }),
      );
      return { credentials };
    },
  );

  app.delete(
    '/v1/sessions/:id',
    {
      schema: {
        tags: ['sessions'],
        summary: 'revoke one of the caller\'s credentials (a sign-in credential takes its sessions with it)',
        params: CredentialIdParams,
        response: { 200: Revoked, 401: ErrorBody, 403: ErrorBody, 404: ErrorBody },
      },
    },
    async (request): Promise<Revoked> => {
      const caller = callerOf(request);
      const subject = subjectOf(caller);
      const credential = await findCredential(context.store, request.params.id);
      // another subject's credential is answered exactly like one that does not exist
      if (credential === undefined || credential.subject !== subject) throw new ParapetError('not-found', `you have no credential \`${request.params.id}\``);
      if (credential.revokedAt !== undefined && credential.revokedBy !== undefined) {
        return { kind: 'credential', id: credential.jti, revokedAt: credential.revokedAt, revokedBy: credential.revokedBy };
      }
      const revokedAt = context.clock().toISOString();
      await auditedChange(
        context,
        auditPrincipalOf(caller),
        request,
        { type: 'revocation', action: 'revoke-credential', outcome: 'success', resource: `credential:${credential.jti}`, account: credential.account, details: { credential: credential.jti, use: credential.use, subject } },
        () => context.revocations.revokeCredential(credential.jti, subject),
      );
      context.metrics.revocations.inc({ kind: 'credential' });
      return { kind: 'credential', id: credential.jti, revokedAt, revokedBy: subject };
    },
  );

  app.post(
    '/v1/sessions/revoke-all',
    { schema: { tags: ['sessions'], summary: 'revoke every credential of the caller, this one included', response: { 200: Revoked, 401: ErrorBody, 403: ErrorBody } } },
    async (request): Promise<Revoked> => {
      const caller = callerOf(request);
      const subject = subjectOf(caller);
      return revokeSubject(context, request, caller, subject, subject);
    },
  );

  app.post(
    '/v1/users/:user/revoke-sessions',
    {
      schema: {
        tags: ['sessions'],
        summary: 'revoke every credential of a user (offboarding): service accounts only',
        params: UserParams,
        response: { 200: Revoked, 401: ErrorBody, 403: ErrorBody },
      },
    },
    async (request): Promise<Revoked> => {
      const caller = callerOf(request);
      if (caller.kind !== 'service-account') {
        throw new ParapetError('forbidden', 'only a service account (operators\' automation) may revoke another user\'s credentials: revoke your own with `parapet revoke --all`');
      }
      // the user need not be in the configuration any more: offboarding often removes them first
      return revokeSubject(context, request, caller, request.params.user, subjectOf(caller));
    },
  );
}

/** the last part of an assumed-role session ARN: the role session name AWS logs (CloudTrail `userIdentity.arn`) */
function roleSessionNameOf(sessionArn: string): string {
  return sessionArn.slice(sessionArn.lastIndexOf('/') + 1);
}

/** the subject credentials of this caller are issued to: the user, or `service-account:NAME` */
function subjectOf(caller: Caller): string {
  switch (caller.kind) {
    case 'user':
      return caller.user;
    case 'service-account':
      return `${SERVICE_SUBJECT_PREFIX}${caller.name}`;
    case 'bootstrap':
      throw new ParapetError('forbidden', 'the bootstrap token has no sessions: it may only apply the first configuration');
    case 'scim-client':
      throw new ParapetError('forbidden', 'a SCIM token has no sessions: it authenticates only /scim/v2');
    default: {
      const never: never = caller;
      return never;
    }
  }
}

async function revokeSubject(context: ServerContext, request: FastifyRequest, caller: Caller, subject: string, by: string): Promise<Revoked> {
  const now = context.clock();
  const before = Math.floor(now.getTime() / 1000);
  await auditedChange(
    context,
    auditPrincipalOf(caller),
    request,
    { type: 'revocation', action: 'revoke-subject', outcome: 'success', resource: `subject:${subject}`, details: { subject, issuedBefore: iso(before) } },
    () => context.revocations.revokeSubject(subject, before, by),
  );
  context.metrics.revocations.inc({ kind: 'subject' });
  return { kind: 'subject', subject, issuedBefore: iso(before), revokedAt: now.toISOString(), revokedBy: by };
}

/** only a person's sign-in credential makes sessions: not a session, not a service account */
export function signInOf(caller: Caller): CredentialClaims {
  if (caller.kind !== 'user') throw new ParapetError('forbidden', 'only a person signed in with `parapet login` can assume a permission set');
  if (caller.claims.use !== 'sign-in') {
    throw new ParapetError('forbidden', `a ${caller.claims.use} credential cannot make sessions: use the sign-in credential of \`parapet login\``);
  }
  return caller.claims;
}

export function activeConfiguration(context: ServerContext): ActiveConfiguration {
  const active = context.config.current();
  if (active === undefined) throw new ParapetError('unavailable', 'no configuration applied yet: nothing can be assumed until one is applied with `parapet apply`');
  return active;
}

export function targetOf(active: ActiveConfiguration, body: AssumeRequest): { account: Account; permissionSet: PermissionSet } {
  const { config } = active;
  const account = findAccount(config, body.account);
  if (account === undefined) {
    throw new ParapetError('not-found', `unknown account \`${body.account}\`${didYouMean(body.account, config.accounts.keys())}`, { details: { issues: [{ path: 'body.account', message: 'unknown account' }] } });
  }
  const permissionSet = config.permissionSets.get(body.permissionSet);
  if (permissionSet === undefined) {
    throw new ParapetError('not-found', `unknown permission set \`${body.permissionSet}\`${didYouMean(body.permissionSet, config.permissionSets.keys())}`, {
      details: { issues: [{ path: 'body.permissionSet', message: 'unknown permission set' }] },
    });
  }
  return { account, permissionSet };
}

/** the user holds the permission set in the account through one of their groups, standing */
export function checkHolds(active: ActiveConfiguration, user: string, account: Account, permissionSet: PermissionSet): void {
  const { config, directory } = active;
  if (directory.attributesOf(user)?.active === false) throw new ParapetError('forbidden', `\`${user}\` is deactivated in the directory`);
  const holdings = listPrincipalAccess(config, { kind: 'user', name: user }, directory).filter(
    (entry) => entry.account === account.name && entry.permissionSet === permissionSet.name,
  );
  const standing = holdings.some((entry) => entry.source.kind === 'assignment' && !entry.source.eligible);
  if (standing) return;
  const what = `\`${permissionSet.name}\` in \`${account.name}\``;
  if (holdings.length > 0) {
    throw new ParapetError('forbidden', `\`${user}\` is only eligible for ${what}: it needs just-in-time elevation with approval, which is not available yet`);
  }
  throw new ParapetError('forbidden', `\`${user}\` holds ${what} through none of their groups`);
}

/** the requested lifetime, capped by the permission set's sessionDuration and what is left of the sign-in */
function lifetimeOf(requested: number | undefined, permissionSet: PermissionSet, signIn: CredentialClaims, now: Date): number {
  const remaining = signIn.exp - Math.floor(now.getTime() / 1000);
  if (remaining < 1) throw new ParapetError('unauthenticated', 'the credential is not valid: expired');
  return Math.min(requested ?? permissionSet.sessionDurationSeconds, permissionSet.sessionDurationSeconds, remaining);
}
