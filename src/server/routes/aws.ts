/**
 * The AWS target over HTTP.
 *
 * `POST /v1/aws/web-identity-token`, as a list of steps: the caller's sign-in → the configuration
 * in force → the account and permission set → the user holds them, standing (as POST /v1/sessions)
 * → the session duration (the permission set's, capped by what is left of the sign-in; AWS's
 * minimum of 15 minutes) → the user's principal tags, refused if AWS would refuse them → the token
 * recorded (so a revocation finds the role) and audited → the answer: the token, the role, the
 * session name and the duration for `sts:AssumeRoleWithWebIdentity`.
 */
import { ErrorBody } from '../../contract/error-body.ts';
import { AwsApplyResult, AwsRevocationDeliveries, WebIdentityTokenIssued, WebIdentityTokenRequest } from '../../contract/aws.ts';
import { permissionSetRoleArn } from '../../analysis/principal-session.ts';
import {
  AWS_EXPIRY_TOLERANCE_SECONDS,
  AWS_SUBJECT_MAX,
  AWS_SUBJECT_MIN,
  AWS_TOKEN_LIFETIME_SECONDS,
  MIN_AWS_SESSION_SECONDS,
  roleSessionName,
  sessionTagProblems,
  webIdentitySubject,
} from '../../aws/web-identity.ts';
import { issueAwsWebIdentityToken } from '../../identity/aws-web-identity-token.ts';
import { ParapetError } from '../../policy/index.ts';
import { pendingAwsRevocationDeliveries, recordAwsWebIdentityToken } from '../../store/index.ts';
import { callerOf } from '../authenticate.ts';
import type { ServerContext } from '../server-context.ts';
import type { ZodApp } from '../zod-app.ts';
import { activeConfiguration, checkHolds, signInOf, targetOf } from './sessions.ts';

const iso = (seconds: number): string => new Date(seconds * 1000).toISOString();

export function awsRoutes(app: ZodApp, context: ServerContext): void {
  app.post(
    '/v1/aws/web-identity-token',
    {
      schema: {
        tags: ['aws'],
        summary: 'a web identity token for sts:AssumeRoleWithWebIdentity on the role of a permission set the caller holds in an account',
        body: WebIdentityTokenRequest,
        response: { 201: WebIdentityTokenIssued, 401: ErrorBody, 403: ErrorBody, 404: ErrorBody, 422: ErrorBody, 503: ErrorBody },
      },
    },
    async (request, reply) => {
      const signIn = signInOf(callerOf(request));
      const active = activeConfiguration(context);
      const { account, permissionSet } = targetOf(active, request.body);
      checkHolds(active, signIn.sub, account, permissionSet);
      const now = context.clock();
      const nowSeconds = Math.floor(now.getTime() / 1000);
      const remaining = signIn.exp - nowSeconds;
      const durationSeconds = Math.min(permissionSet.sessionDurationSeconds, remaining);
      if (durationSeconds < MIN_AWS_SESSION_SECONDS) {
        throw new ParapetError(
          'unauthenticated',
          `the sign-in has ${Math.max(remaining, 0)} s left and an AWS session lasts at least ${MIN_AWS_SESSION_SECONDS} s: sign in again with \`parapet login\``,
        );
      }
      const subject = webIdentitySubject(account.id, permissionSet.name, signIn.sub);
      if (subject.length < AWS_SUBJECT_MIN || subject.length > AWS_SUBJECT_MAX) {
        throw new ParapetError('forbidden', `the user name \`${signIn.sub.slice(0, 64)}\` makes a token subject of ${subject.length} characters: AWS accepts ${AWS_SUBJECT_MIN} to ${AWS_SUBJECT_MAX}`);
      }
      const tags = active.directory.attributesOf(signIn.sub)?.tags ?? {};
      const problems = sessionTagProblems(tags);
      if (problems.length > 0) {
        // fail closed: a token without a tag a guardrail conditions on could pass where it should not
        throw new ParapetError('forbidden', `the directory's tags of \`${signIn.sub}\` cannot be AWS session tags: ${problems.join('; ')}`, {
          details: { issues: problems.map((message) => ({ path: 'directory.tags', message })) },
        });
      }
      const jti = context.newId();
      const issued = await issueAwsWebIdentityToken(
        context.keys,
        { jti, sub: subject, audience: context.settings.awsAudience, authTime: signIn.authTime, tags },
        { issuer: context.settings.publicUrl, now, lifetimeSeconds: Math.min(AWS_TOKEN_LIFETIME_SECONDS, durationSeconds) },
      );
      const roleArn = permissionSetRoleArn(account.id, permissionSet.name);
      const sessionName = roleSessionName(signIn.sub);
      // recorded and audited before anyone has the token: a revocation then finds this role
      await recordAwsWebIdentityToken(context.store, {
        jti,
        subject: signIn.sub,
        parent: signIn.jti,
        accountId: account.id,
        permissionSet: permissionSet.name,
        roleSessionName: sessionName,
        issuedAt: iso(issued.iat),
        expiresAt: iso(issued.exp),
        sessionsEndAt: iso(issued.exp + AWS_EXPIRY_TOLERANCE_SECONDS + durationSeconds),
      });
      await context.audit.record({
        time: now.toISOString(),
        actor: { principal: signIn.sub, session: signIn.jti },
        type: 'session-issued',
        action: 'aws:web-identity-token',
        resource: roleArn,
        account: account.id,
        outcome: 'success',
        details: { tokenId: jti, roleSessionName: sessionName, durationSeconds, audience: context.settings.awsAudience },
      });
      context.metrics.sessionsIssued.inc({ use: 'aws' });
      const answer: WebIdentityTokenIssued = {
        id: jti,
        token: issued.token,
        expiresAt: iso(issued.exp),
        account: { id: account.id, name: account.name },
        permissionSet: permissionSet.name,
        roleArn,
        roleSessionName: sessionName,
        durationSeconds,
      };
      return reply.code(201).send(answer);
    },
  );

  app.post(
    '/v1/aws/apply',
    {
      schema: {
        tags: ['aws'],
        summary: 'apply the active configuration version to the AWS organization (units, SCPs, RCPs, attachments, accounts): service accounts only; every AWS call audited',
        response: { 200: AwsApplyResult, 401: ErrorBody, 403: ErrorBody, 409: ErrorBody, 503: ErrorBody },
      },
    },
    async (request): Promise<AwsApplyResult> => {
      const caller = callerOf(request);
      if (caller.kind !== 'service-account') {
        throw new ParapetError('forbidden', 'only a service account (the deployer\'s automation) may apply the configuration to AWS, with a configuration version applied and approved in Parapet');
      }
      if (context.aws === undefined) throw new ParapetError('unavailable', 'this server has no AWS target: give the setting `aws` (docs/aws.md)');
      const active = activeConfiguration(context);
      // loaded only now: the server starts without the AWS SDK
      const { applyConfigToAws } = await import('../aws-apply.ts');
      const principal = `service-account:${caller.name}`;
      const result = await applyConfigToAws({ target: context.aws.target, audit: context.audit, clock: context.clock, principal, requestId: request.id, configVersion: active.version, config: active.config, trust: { issuer: context.settings.publicUrl, audience: context.settings.awsAudience } });
      await context.audit.record({
        time: context.clock().toISOString(),
        actor: { principal },
        type: 'config-apply',
        action: 'aws-apply',
        resource: `configuration version ${active.version}`,
        outcome: result.failed === undefined ? 'success' : 'failure',
        requestId: request.id,
        details: { organizationId: result.organizationId, done: result.done.length, notDone: result.notDone.length, ...(result.failed === undefined ? {} : { failed: result.failed }) },
      });
      return result;
    },
  );

  app.get(
    '/v1/aws/revocations',
    {
      schema: {
        tags: ['aws'],
        summary: 'revocations not yet in AWS (retried): service accounts only',
        response: { 200: AwsRevocationDeliveries, 401: ErrorBody, 403: ErrorBody },
      },
    },
    async (request): Promise<AwsRevocationDeliveries> => {
      if (callerOf(request).kind !== 'service-account') throw new ParapetError('forbidden', 'only a service account may read how revocations reach AWS');
      return { pending: await pendingAwsRevocationDeliveries(context.store) };
    },
  );
}
