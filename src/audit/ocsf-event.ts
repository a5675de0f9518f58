/**
 * An audit event as an Open Cybersecurity Schema Framework (OCSF) 1.3.0 event, for SIEMs
 * (`parapet audit export --format ocsf`). Sign-ins are the Authentication class
 * (https://schema.ocsf.io/1.3.0/classes/authentication, class_uid 3002, category Identity & Access
 * Management); everything else the server does, decisions included, is the API Activity class
 * (https://schema.ocsf.io/1.3.0/classes/api_activity, class_uid 6003, category Application
 * Activity), the class AWS CloudTrail's events map to.
 *
 * Every attribute the class requires is filled (OCSF_REQUIRED below: the base event's and the
 * class's own, events/base_event.json, events/application/api_activity.json and
 * events/iam/authentication.json of github.com/ocsf/ocsf-schema at 1.3.0), and only attributes
 * 1.3.0 defines for the class are written: API Activity has no `disposition_id` in 1.3.0 (its
 * classes carry no security-control profile), so a decision's allow or deny is its status and
 * its `unmapped.parapet.outcome`. `cloud` is the Cloud profile's attribute (profiles/cloud.json:
 * required once the profile is applied), written with the profile named in `metadata.profiles`
 * for the events that concern an AWS account, and left out for Parapet's own actions. What OCSF
 * has no attribute for (the event's details, its type) goes in `unmapped`, as OCSF says. The log
 * index is the event's `metadata.uid`: the position an inclusion proof is asked for. The test
 * (ocsf-event.test.ts) checks every written attribute against a table of 1.3.0.
 */
import type { AuditEvent } from '../contract/audit.ts';

export const OCSF_VERSION = '1.3.0';

/** the attributes each class requires in 1.3.0 (base event's, then the class's own; `cloud` only with the Cloud profile) */
export const OCSF_REQUIRED = {
  api_activity: ['activity_id', 'category_uid', 'class_uid', 'metadata', 'severity_id', 'time', 'type_uid', 'actor', 'api', 'src_endpoint'],
  authentication: ['activity_id', 'category_uid', 'class_uid', 'metadata', 'severity_id', 'time', 'type_uid', 'user'],
} as const;

const API_ACTIVITY = { classUid: 6003, className: 'API Activity', categoryUid: 6, categoryName: 'Application Activity' } as const;
const AUTHENTICATION = { classUid: 3002, className: 'Authentication', categoryUid: 3, categoryName: 'Identity & Access Management' } as const;

/** API Activity's activity_id: 1 Create, 2 Read, 3 Update, 4 Delete, 99 Other */
const API_ACTIVITIES = { 1: 'Create', 2: 'Read', 3: 'Update', 4: 'Delete', 99: 'Other' } as const;
type ApiActivityId = keyof typeof API_ACTIVITIES;

export type OcsfEvent = Record<string, unknown>;

/**
 * The attributes that place an event in its class, the same for both classes: the activity (its
 * name, and the activity's name in `type_name`, which for API Activity's 99 Other is "Other" while
 * the activity name is the action), category, class, `type_uid` = class_uid * 100 + activity_id, and
 * the severity (every event is Informational)
 */
function classAttributes(of: typeof API_ACTIVITY | typeof AUTHENTICATION, activityId: number, activityName: string, typeActivity: string): OcsfEvent {
  return {
    activity_id: activityId,
    activity_name: activityName,
    category_uid: of.categoryUid,
    category_name: of.categoryName,
    class_uid: of.classUid,
    class_name: of.className,
    type_uid: of.classUid * 100 + activityId,
    type_name: `${of.className}: ${typeActivity}`,
    severity_id: 1,
    severity: 'Informational',
  };
}

/** OCSF's status_id: 1 Success, 2 Failure */
function statusOf(outcome: AuditEvent['outcome']): { status_id: 1 | 2; status: 'Success' | 'Failure' } {
  return outcome === 'allow' || outcome === 'success' ? { status_id: 1, status: 'Success' } : { status_id: 2, status: 'Failure' };
}

/** what kind of API activity each of Parapet's actions is */
function apiActivityOf(event: AuditEvent): ApiActivityId {
  switch (event.type) {
    case 'audit-read':
      return 2;
    case 'session-issued':
    case 'key-rotation':
      return 1;
    case 'config-apply':
      return 3;
    case 'revocation':
      return 4;
    case 'scim-change':
    case 'token':
      if (event.action.startsWith('create-')) return 1;
      if (event.action.startsWith('delete-') || event.action.startsWith('revoke-')) return 4;
      if (event.action.startsWith('patch-') || event.action.startsWith('replace-')) return 3;
      return 99;
    case 'aws-call': {
      // `iam:CreateRole`: AWS's operation names begin with their verb
      const operation = event.action.slice(event.action.indexOf(':') + 1);
      if (/^Create/.test(operation)) return 1;
      if (/^(Get|List|Describe)/.test(operation)) return 2;
      if (/^(Update|Put|Attach|Tag|Untag|Add|Move|Enable|Disable)/.test(operation)) return 3;
      if (/^(Delete|Detach|Remove)/.test(operation)) return 4;
      return 99;
    }
    case 'decision':
    case 'sign-in':
      return 99;
    default: {
      const never: never = event.type;
      return never;
    }
  }
}

/** the principal a refused caller is recorded as (AuditActor): nobody known */
const ANONYMOUS = 'anonymous';

function userOf(principal: string): Record<string, unknown> {
  // OCSF 1.3.0 user.type_id: 0 Unknown (a refused, anonymous caller), 1 User, 3 System (a service
  // account, the server, a SCIM client); email for people. (4 Service came after 1.3.0.)
  const person = principal.includes('@') && !principal.includes(':');
  const type = principal === ANONYMOUS ? { type_id: 0, type: 'Unknown' } : person ? { type_id: 1, type: 'User' } : { type_id: 3, type: 'System' };
  return { name: principal, uid: principal, ...type, ...(person ? { email_addr: principal } : {}) };
}

export function ocsfEventOf(event: AuditEvent, index: number): OcsfEvent {
  const time = Date.parse(event.time);
  const status = statusOf(event.outcome);
  // the AWS account the action concerns, through the Cloud profile; Parapet's own actions concern none
  const cloud = event.type === 'sign-in' || event.account === undefined ? undefined : { provider: 'AWS', account: { uid: event.account } };
  const metadata = {
    version: OCSF_VERSION,
    ...(cloud === undefined ? {} : { profiles: ['cloud'] }),
    product: { name: 'Parapet', vendor_name: 'Parapet', feature: { name: 'audit log' } },
    uid: String(index),
    original_time: event.time,
    log_name: 'parapet-audit',
    event_code: event.type,
    ...(event.requestId === undefined ? {} : { correlation_uid: event.requestId }),
  };
  const srcEndpoint = event.actor.sourceIp === undefined ? { name: 'parapet-server' } : { ip: event.actor.sourceIp };
  const httpRequest = event.actor.userAgent === undefined && event.requestId === undefined ? undefined : { ...(event.actor.userAgent === undefined ? {} : { user_agent: event.actor.userAgent }), ...(event.requestId === undefined ? {} : { uid: event.requestId }) };
  const session = event.actor.session === undefined ? undefined : { uid: event.actor.session };
  const unmapped = { parapet: { type: event.type, action: event.action, outcome: event.outcome, ...(event.details === undefined ? {} : { details: event.details }) } };
  const reason = event.details?.['reason'];
  const statusDetail = typeof reason === 'object' && reason !== null && 'message' in reason ? { status_detail: String((reason as { message: unknown }).message) } : {};

  if (event.type === 'sign-in') {
    const activityId = 1;
    const method = event.details?.['method'];
    // OCSF auth_protocol_id: 4 OpenID (SSO through OpenID Connect), 6 OAUTH 2.0 (the device authorization grant, RFC 8628)
    const protocol = method === 'device' ? { auth_protocol_id: 6, auth_protocol: 'OAUTH 2.0' } : { auth_protocol_id: 4, auth_protocol: 'OpenID' };
    return {
      ...classAttributes(AUTHENTICATION, activityId, 'Logon', 'Logon'),
      time,
      metadata,
      ...status,
      ...statusDetail,
      message: `${event.action} ${event.outcome}`,
      user: userOf(event.actor.principal),
      actor: { user: userOf(event.actor.principal), ...(session === undefined ? {} : { session }) },
      ...protocol,
      ...(typeof event.details?.['mfa'] === 'boolean' ? { is_mfa: event.details['mfa'] } : {}),
      ...(session === undefined ? {} : { session }),
      service: { name: 'Parapet' },
      src_endpoint: srcEndpoint,
      ...(httpRequest === undefined ? {} : { http_request: httpRequest }),
      unmapped,
    };
  }

  const activityId = apiActivityOf(event);
  return {
    ...classAttributes(API_ACTIVITY, activityId, activityId === 99 ? event.action : API_ACTIVITIES[activityId], API_ACTIVITIES[activityId]),
    time,
    metadata,
    ...status,
    ...statusDetail,
    message: `${event.type} ${event.action} ${event.outcome}`,
    actor: { user: userOf(event.actor.principal), ...(session === undefined ? {} : { session }) },
    api: { operation: event.action, service: { name: 'Parapet' }, ...(event.requestId === undefined ? {} : { request: { uid: event.requestId } }) },
    src_endpoint: srcEndpoint,
    ...(cloud === undefined ? {} : { cloud }),
    ...(event.resource === undefined ? {} : { resources: [{ uid: event.resource, ...(event.resource.startsWith('arn:') ? { type: 'AWS ARN' } : {}) }] }),
    ...(httpRequest === undefined ? {} : { http_request: httpRequest }),
    unmapped,
  };
}
