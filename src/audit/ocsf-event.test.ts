/**
 * OCSF export against OCSF 1.3.0: every event type maps to its class (sign-ins to Authentication
 * 3002, the rest to API Activity 6003), every attribute written is one 1.3.0 defines for the
 * class or object, of its type, with enum values 1.3.0 lists and their captions as the string
 * siblings, and every attribute 1.3.0 requires (of the class, of the base event, of the profile
 * applied and of each object written) is present.
 *
 * The table below is OCSF 1.3.0, from github.com/ocsf/ocsf-schema (the paths cited per entry:
 * events/base_event.json, events/application/api_activity.json, events/iam/authentication.json,
 * profiles/cloud.json, objects/*.json, dictionary.json for the shared attributes and enums). The
 * classes' attribute sets and the enum values were checked against the 1.3.0 release as
 * published (https://schema.ocsf.io/1.3.0/classes/api_activity and .../authentication, and the
 * code generated from that release's export: github.com/valllabh/ocsf-schema-golang
 * ocsf/v1_3_0/events/application/application.pb.go `ApiActivity`, ocsf/v1_3_0/events/iam/iam.pb.go
 * `Authentication`, ocsf/v1_3_0/events/iam/enums/enums.pb.go), since attributes were added to
 * both classes after 1.3.0 (e.g. API Activity's profiles) and must not be written to a 1.3.0
 * event. Objects list the attributes Parapet writes (each one 1.3.0 defines), so an attribute
 * added to the mapping fails here until it is checked and listed.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { AUDIT_EVENT_TYPES, AUDIT_OUTCOMES, type AuditEvent } from '../contract/audit.ts';
import { OCSF_REQUIRED, OCSF_VERSION, ocsfEventOf, type OcsfEvent } from './ocsf-event.ts';

type OcsfType = 'integer' | 'timestamp' | 'string' | 'boolean' | 'object' | 'object[]' | 'string[]';

interface ObjectSpec {
  /** where 1.3.0 defines it */
  readonly source: string;
  readonly attributes: Readonly<Record<string, OcsfType>>;
  readonly required: readonly string[];
  /** `constraints.at_least_one` */
  readonly atLeastOne?: readonly string[];
  /** the object type of each object attribute (by its name in this object) */
  readonly objects?: Readonly<Record<string, string>>;
}

/** the enum attributes written, each value with its caption (the string sibling's value) */
interface EnumSpec {
  readonly source: string;
  readonly sibling: string;
  readonly values: Readonly<Record<number, string>>;
}

/** the base event's attributes (events/base_event.json, dictionary.json), as API Activity and Authentication have them */
const BASE_EVENT: Record<string, OcsfType> = {
  activity_id: 'integer',
  activity_name: 'string',
  category_name: 'string',
  category_uid: 'integer',
  class_name: 'string',
  class_uid: 'integer',
  count: 'integer',
  duration: 'integer',
  end_time: 'timestamp',
  enrichments: 'object[]',
  message: 'string',
  metadata: 'object',
  observables: 'object[]',
  raw_data: 'string',
  severity: 'string',
  severity_id: 'integer',
  start_time: 'timestamp',
  status: 'string',
  status_code: 'string',
  status_detail: 'string',
  status_id: 'integer',
  time: 'timestamp',
  timezone_offset: 'integer',
  type_name: 'string',
  type_uid: 'integer',
  unmapped: 'object',
};
const BASE_REQUIRED = ['activity_id', 'category_uid', 'class_uid', 'metadata', 'severity_id', 'time', 'type_uid'];
/** events/base_event.json + dictionary.json: shared by both classes */
const SHARED_ENUMS: Record<string, EnumSpec> = {
  severity_id: { source: 'dictionary.json severity_id', sibling: 'severity', values: { 0: 'Unknown', 1: 'Informational', 2: 'Low', 3: 'Medium', 4: 'High', 5: 'Critical', 6: 'Fatal', 99: 'Other' } },
  status_id: { source: 'dictionary.json status_id', sibling: 'status', values: { 0: 'Unknown', 1: 'Success', 2: 'Failure', 99: 'Other' } },
};

const CLASSES = {
  api_activity: {
    source: 'events/application/api_activity.json (extends events/application/application.json, category 6)',
    classUid: 6003,
    className: 'API Activity',
    categoryUid: 6,
    categoryName: 'Application Activity',
    attributes: {
      ...BASE_EVENT,
      actor: 'object',
      api: 'object',
      dst_endpoint: 'object',
      http_request: 'object',
      resources: 'object[]',
      src_endpoint: 'object',
      // profiles/cloud.json and the osint profile: the only profiles API Activity has in 1.3.0 (no security control: no disposition_id)
      cloud: 'object',
      osint: 'object[]',
    } as Record<string, OcsfType>,
    required: [...BASE_REQUIRED, 'actor', 'api', 'src_endpoint'],
    activities: { 0: 'Unknown', 1: 'Create', 2: 'Read', 3: 'Update', 4: 'Delete', 99: 'Other' } as Record<number, string>,
    enums: SHARED_ENUMS,
    objects: { actor: 'actor', api: 'api', dst_endpoint: 'network_endpoint', http_request: 'http_request', resources: 'resource_details', src_endpoint: 'network_endpoint', cloud: 'cloud', metadata: 'metadata' } as Record<string, string>,
  },
  authentication: {
    source: 'events/iam/authentication.json (extends events/iam/iam.json, category 3)',
    classUid: 3002,
    className: 'Authentication',
    categoryUid: 3,
    categoryName: 'Identity & Access Management',
    attributes: {
      ...BASE_EVENT,
      actor: 'object',
      api: 'object',
      auth_factors: 'object[]',
      auth_protocol: 'string',
      auth_protocol_id: 'integer',
      certificate: 'object',
      dst_endpoint: 'object',
      http_request: 'object',
      is_cleartext: 'boolean',
      is_mfa: 'boolean',
      is_new_logon: 'boolean',
      is_remote: 'boolean',
      logon_process: 'object',
      logon_type: 'string',
      logon_type_id: 'integer',
      service: 'object',
      session: 'object',
      src_endpoint: 'object',
      user: 'object',
      // profiles: cloud, host, osint
      cloud: 'object',
      device: 'object',
      osint: 'object[]',
    } as Record<string, OcsfType>,
    required: [...BASE_REQUIRED, 'user'],
    /** events/iam/authentication.json constraints */
    atLeastOne: ['service', 'dst_endpoint'],
    activities: { 0: 'Unknown', 1: 'Logon', 2: 'Logoff', 3: 'Authentication Ticket', 4: 'Service Ticket Request', 5: 'Service Ticket Renew', 6: 'Preauth', 99: 'Other' } as Record<number, string>,
    enums: {
      ...SHARED_ENUMS,
      auth_protocol_id: { source: 'events/iam/authentication.json, dictionary.json auth_protocol_id', sibling: 'auth_protocol', values: { 0: 'Unknown', 1: 'NTLM', 2: 'Kerberos', 3: 'Digest', 4: 'OpenID', 5: 'SAML', 6: 'OAUTH 2.0', 7: 'PAP', 8: 'CHAP', 9: 'EAP', 10: 'RADIUS', 99: 'Other' } },
    } as Record<string, EnumSpec>,
    objects: { actor: 'actor', dst_endpoint: 'network_endpoint', http_request: 'http_request', service: 'service', session: 'session', src_endpoint: 'network_endpoint', user: 'user', cloud: 'cloud', metadata: 'metadata' } as Record<string, string>,
  },
} as const;

/** profiles/cloud.json: the attribute it requires once applied (and named in metadata.profiles) */
const CLOUD_PROFILE = { source: 'profiles/cloud.json', required: ['cloud'] };

const OBJECTS: Record<string, ObjectSpec> = {
  metadata: {
    source: 'objects/metadata.json',
    attributes: { correlation_uid: 'string', event_code: 'string', log_name: 'string', original_time: 'string', product: 'object', profiles: 'string[]', uid: 'string', version: 'string' },
    required: ['product', 'version'],
    objects: { product: 'product' },
  },
  product: { source: 'objects/product.json', attributes: { feature: 'object', name: 'string', vendor_name: 'string' }, required: [], objects: { feature: 'feature' } },
  feature: { source: 'objects/feature.json', attributes: { name: 'string' }, required: [] },
  actor: {
    source: 'objects/actor.json',
    attributes: { session: 'object', user: 'object' },
    required: [],
    atLeastOne: ['process', 'user', 'invoked_by', 'session', 'app_name', 'app_uid'],
    objects: { session: 'session', user: 'user' },
  },
  user: { source: 'objects/user.json', attributes: { email_addr: 'string', name: 'string', type: 'string', type_id: 'integer', uid: 'string' }, required: [], atLeastOne: ['account', 'name', 'uid'] },
  session: { source: 'objects/session.json', attributes: { uid: 'string' }, required: [] },
  network_endpoint: { source: 'objects/network_endpoint.json (extends objects/endpoint.json)', attributes: { ip: 'string', name: 'string' }, required: [], atLeastOne: ['ip', 'uid', 'name', 'hostname', 'instance_uid', 'interface_uid', 'interface_name'] },
  http_request: { source: 'objects/http_request.json', attributes: { uid: 'string', user_agent: 'string' }, required: [] },
  api: { source: 'objects/api.json', attributes: { operation: 'string', request: 'object', service: 'object' }, required: ['operation'], objects: { request: 'request', service: 'service' } },
  request: { source: 'objects/request.json', attributes: { uid: 'string' }, required: ['uid'] },
  service: { source: 'objects/service.json', attributes: { name: 'string' }, required: [] },
  cloud: { source: 'objects/cloud.json', attributes: { account: 'object', provider: 'string' }, required: ['provider'], objects: { account: 'account' } },
  account: { source: 'objects/account.json', attributes: { uid: 'string' }, required: [] },
  resource_details: { source: 'objects/resource_details.json (extends objects/_resource.json)', attributes: { type: 'string', uid: 'string' }, required: [], atLeastOne: ['name', 'uid'] },
};

/** objects/user.json type_id in 1.3.0 (4 Service came later) */
const USER_TYPES: Record<number, string> = { 0: 'Unknown', 1: 'User', 2: 'Admin', 3: 'System', 99: 'Other' };

function typeOf(value: unknown): OcsfType | 'other' {
  if (Number.isInteger(value)) return 'integer';
  if (typeof value === 'string') return 'string';
  if (typeof value === 'boolean') return 'boolean';
  if (Array.isArray(value)) return value.every((item) => typeof item === 'string') ? 'string[]' : value.every((item) => typeof item === 'object' && item !== null) ? 'object[]' : 'other';
  if (typeof value === 'object' && value !== null) return 'object';
  return 'other';
}

function sameType(actual: OcsfType | 'other', expected: OcsfType): boolean {
  // a timestamp_t is an integer of milliseconds
  return actual === expected || (expected === 'timestamp' && actual === 'integer');
}

/** every difference of one exported event from the 1.3.0 table, as messages */
function violations(ocsf: OcsfEvent): string[] {
  const problems: string[] = [];
  const spec = ocsf['class_uid'] === 3002 ? CLASSES.authentication : ocsf['class_uid'] === 6003 ? CLASSES.api_activity : undefined;
  if (spec === undefined) return [`class_uid ${String(ocsf['class_uid'])} is neither 6003 nor 3002`];
  for (const [name, value] of Object.entries(ocsf)) {
    const expected = spec.attributes[name];
    if (expected === undefined) problems.push(`\`${name}\` is not a 1.3.0 attribute of ${spec.className} (${spec.source})`);
    else if (!sameType(typeOf(value), expected)) problems.push(`\`${name}\` is ${typeOf(value)}, 1.3.0 has ${expected}`);
  }
  const metadata = ocsf['metadata'] as { profiles?: string[] } | undefined;
  const required = [...spec.required, ...(metadata?.profiles?.includes('cloud') === true ? CLOUD_PROFILE.required : [])];
  for (const name of required) if (ocsf[name] === undefined || ocsf[name] === null) problems.push(`required \`${name}\` is missing`);
  if (ocsf['cloud'] !== undefined && metadata?.profiles?.includes('cloud') !== true) problems.push(`\`cloud\` without the cloud profile in metadata.profiles (${CLOUD_PROFILE.source})`);
  if ('atLeastOne' in spec && !spec.atLeastOne.some((name) => ocsf[name] !== undefined)) problems.push(`none of ${spec.atLeastOne.join(', ')}`);
  // the classification: class, category, activity, type_uid = class_uid * 100 + activity_id, captions as siblings
  if (ocsf['category_uid'] !== spec.categoryUid) problems.push(`category_uid ${String(ocsf['category_uid'])}, 1.3.0: ${spec.categoryUid}`);
  if (ocsf['category_name'] !== undefined && ocsf['category_name'] !== spec.categoryName) problems.push(`category_name ${String(ocsf['category_name'])}`);
  if (ocsf['class_name'] !== undefined && ocsf['class_name'] !== spec.className) problems.push(`class_name ${String(ocsf['class_name'])}`);
  const activity = ocsf['activity_id'] as number;
  const activityCaption = spec.activities[activity];
  if (activityCaption === undefined) problems.push(`activity_id ${activity} is not in 1.3.0's ${spec.className} activities`);
  // activity_name is the caption, or for Other the source's own name (dictionary.json activity_name)
  if (activity !== 99 && ocsf['activity_name'] !== undefined && ocsf['activity_name'] !== activityCaption) problems.push(`activity_name ${String(ocsf['activity_name'])} for activity ${activity}`);
  if (ocsf['type_uid'] !== spec.classUid * 100 + activity) problems.push(`type_uid ${String(ocsf['type_uid'])} is not class_uid * 100 + activity_id`);
  if (ocsf['type_name'] !== undefined && ocsf['type_name'] !== `${spec.className}: ${activityCaption ?? ''}`) problems.push(`type_name ${String(ocsf['type_name'])}`);
  for (const [name, enumSpec] of Object.entries(spec.enums)) {
    const value = ocsf[name];
    if (value === undefined) continue;
    const caption = enumSpec.values[value as number];
    if (caption === undefined) problems.push(`\`${name}\` ${String(value)} is not a 1.3.0 value (${enumSpec.source})`);
    else if (ocsf[enumSpec.sibling] !== undefined && ocsf[enumSpec.sibling] !== caption) problems.push(`\`${enumSpec.sibling}\` ${String(ocsf[enumSpec.sibling])}, the caption of ${name} ${String(value)} is ${caption}`);
  }
  for (const [name, objectName] of Object.entries(spec.objects)) {
    const value = ocsf[name];
    if (value === undefined) continue;
    for (const item of Array.isArray(value) ? (value as unknown[]) : [value]) problems.push(...objectViolations(item as Record<string, unknown>, objectName, name));
  }
  return problems;
}

function objectViolations(value: Record<string, unknown>, objectName: string, path: string): string[] {
  const spec = OBJECTS[objectName];
  if (spec === undefined) return [`${path}: no 1.3.0 object \`${objectName}\` in the table`];
  const problems: string[] = [];
  if (Object.keys(value).length === 0) problems.push(`${path} is empty`);
  for (const [name, attribute] of Object.entries(value)) {
    const expected = spec.attributes[name];
    if (expected === undefined) problems.push(`${path}.${name} is not an attribute of ${objectName} Parapet checked against 1.3.0 (${spec.source})`);
    else if (!sameType(typeOf(attribute), expected)) problems.push(`${path}.${name} is ${typeOf(attribute)}, 1.3.0 has ${expected}`);
    else if (typeof attribute === 'string' && attribute === '') problems.push(`${path}.${name} is empty`);
  }
  for (const name of spec.required) if (value[name] === undefined) problems.push(`${path}: required \`${name}\` missing (${spec.source})`);
  if (spec.atLeastOne !== undefined && !spec.atLeastOne.some((name) => value[name] !== undefined)) problems.push(`${path}: none of ${spec.atLeastOne.join(', ')} (${spec.source})`);
  if (objectName === 'user') {
    const caption = USER_TYPES[value['type_id'] as number];
    if (caption === undefined) problems.push(`${path}.type_id ${String(value['type_id'])} is not a 1.3.0 value`);
    else if (value['type'] !== undefined && value['type'] !== caption) problems.push(`${path}.type ${String(value['type'])}, the caption is ${caption}`);
  }
  for (const [name, child] of Object.entries(spec.objects ?? {})) {
    const item = value[name];
    if (item !== undefined) problems.push(...objectViolations(item as Record<string, unknown>, child, `${path}.${name}`));
  }
  return problems;
}

const ACTORS = [
  { principal: 'alice@acme.example', session: 's-1', sourceIp: '192.0.2.1', userAgent: 'parapet/1' },
  { principal: 'server' },
  { principal: 'anonymous', sourceIp: '198.51.100.7' },
  { principal: 'service-account:deployer', userAgent: 'ci' },
];
const ACTIONS = ['create-user', 'revoke-scim-token', 'apply', 's3:GetObject', 'iam:CreateRole', 'iam:ListRoles', 'iam:AttachRolePolicy', 'iam:DeleteRole', 'sso-sign-in', 'device-sign-in', 'patch-group', 'search'];

/** every type with every outcome, actor and a spread of actions, accounts, resources, request ids and details */
const samples: AuditEvent[] = AUDIT_EVENT_TYPES.flatMap((type, i) =>
  AUDIT_OUTCOMES.flatMap((outcome, j) =>
    ACTORS.map((actor, k) => ({
      time: new Date(Date.UTC(2026, 11, 6, 12, i, j, k)).toISOString(),
      actor,
      type,
      action: ACTIONS[(i + j + k) % ACTIONS.length] ?? 'x',
      ...(k % 2 === 0 ? { account: '400000000001', resource: k === 0 ? 'arn:aws:s3:::bucket/key' : 'config-version-3' } : {}),
      outcome,
      ...(j < 2 ? { requestId: `r-${i}-${j}-${k}` } : {}),
      ...(j === 2 ? { details: { reason: { code: 'forbidden', message: 'no' }, mfa: k % 2 === 0, method: k === 0 ? 'device' : 'sso' } } : {}),
    })),
  ),
);

describe('OCSF 1.3.0 events', () => {
  test('every exported event has only 1.3.0 attributes of their types, enum values and captions of 1.3.0, and every required attribute', () => {
    assert.equal(OCSF_VERSION, '1.3.0');
    const problems = samples.flatMap((event, index) => violations(ocsfEventOf(event, index)).map((problem) => `${event.type} ${event.action} ${event.outcome} ${event.actor.principal}: ${problem}`));
    assert.deepEqual(problems, []);
    // the mapping's own list of required attributes is the table's
    assert.deepEqual([...OCSF_REQUIRED.api_activity].sort(), [...CLASSES.api_activity.required].sort());
    assert.deepEqual([...OCSF_REQUIRED.authentication].sort(), [...CLASSES.authentication.required].sort());
  });

  test('the check finds what 1.3.0 does not allow: an unknown attribute, a missing requirement, a wrong enum or caption, a profile not named', () => {
    const event = ocsfEventOf({ time: '2026-12-06T12:00:00.000Z', actor: { principal: 'alice@acme.example' }, type: 'decision', action: 's3:GetObject', account: '400000000001', outcome: 'deny' }, 3);
    assert.deepEqual(violations(event), []);
    const metadata = event['metadata'] as Record<string, unknown>;
    const broken: [string, OcsfEvent][] = [
      ['disposition_id', { ...event, disposition_id: 2 }],
      ['required `api`', Object.fromEntries(Object.entries(event).filter(([name]) => name !== 'api'))],
      ['severity_id', { ...event, severity_id: 7 }],
      ['`status`', { ...event, status: 'Denied' }],
      ['type_uid', { ...event, type_uid: 600301 }],
      ['cloud profile', { ...event, metadata: { ...metadata, profiles: [] } }],
      ['metadata: required `version`', { ...event, metadata: Object.fromEntries(Object.entries(metadata).filter(([name]) => name !== 'version')) }],
      ['actor.user.type_id', { ...event, actor: { user: { name: 'x', type_id: 4 } } }],
      ['api: required `operation`', { ...event, api: { service: { name: 'Parapet' } } }],
      ['time` is string', { ...event, time: '2026-12-06T12:00:00.000Z' }],
    ];
    for (const [what, ocsf] of broken) assert.ok(violations(ocsf).some((problem) => problem.includes(what)), `${what}: ${JSON.stringify(violations(ocsf))}`);
  });

  test('sign-ins are Authentication (3002), everything else API Activity (6003), with the event\'s time, status, index and details', () => {
    for (const [index, event] of samples.entries()) {
      const ocsf = ocsfEventOf(event, index);
      const authentication = event.type === 'sign-in';
      assert.equal(ocsf['class_uid'], authentication ? 3002 : 6003);
      if (authentication) assert.equal(ocsf['activity_id'], 1);
      assert.equal(ocsf['time'], Date.parse(event.time));
      assert.equal(ocsf['status_id'], event.outcome === 'allow' || event.outcome === 'success' ? 1 : 2);
      assert.equal((ocsf['metadata'] as { uid: string }).uid, String(index));
      assert.deepEqual((ocsf['unmapped'] as { parapet: unknown }).parapet, { type: event.type, action: event.action, outcome: event.outcome, ...(event.details === undefined ? {} : { details: event.details }) });
      // the Cloud profile exactly when an event of API Activity concerns an AWS account
      const cloud = !authentication && event.account !== undefined;
      assert.deepEqual(ocsf['cloud'], cloud ? { provider: 'AWS', account: { uid: event.account } } : undefined);
      assert.deepEqual((ocsf['metadata'] as { profiles?: string[] }).profiles, cloud ? ['cloud'] : undefined);
    }
  });

  test('a sign-in: the user, MFA, the protocol (OpenID for SSO, OAuth 2.0 for the device flow), the failure\'s reason', () => {
    const failed = ocsfEventOf({ time: '2026-12-06T12:00:00.000Z', actor: { principal: 'mallory@acme.example', sourceIp: '198.51.100.7' }, type: 'sign-in', action: 'device-sign-in', outcome: 'failure', details: { method: 'device', reason: { code: 'unauthenticated', message: 'the device code expired' } } }, 7);
    assert.deepEqual((failed['user'] as { email_addr: string }).email_addr, 'mallory@acme.example');
    assert.equal(failed['auth_protocol_id'], 6);
    assert.equal(failed['auth_protocol'], 'OAUTH 2.0');
    assert.equal(failed['status_detail'], 'the device code expired');
    assert.deepEqual(failed['src_endpoint'], { ip: '198.51.100.7' });
    const sso = ocsfEventOf({ time: '2026-12-06T12:00:00.000Z', actor: { principal: 'alice@acme.example', session: 'j1' }, type: 'sign-in', action: 'sso-sign-in', outcome: 'success', details: { method: 'sso', mfa: true } }, 8);
    assert.equal(sso['auth_protocol_id'], 4);
    assert.equal(sso['is_mfa'], true);
    assert.deepEqual(sso['session'], { uid: 'j1' });
    const refused = ocsfEventOf({ time: '2026-12-06T12:00:00.000Z', actor: { principal: 'anonymous' }, type: 'sign-in', action: 'sso-sign-in', outcome: 'failure' }, 9);
    assert.deepEqual(refused['user'], { name: 'anonymous', uid: 'anonymous', type_id: 0, type: 'Unknown' });
  });

  test('an API activity: create, read, update, delete as the action says; a decision\'s deny is its status; the account and the resource', () => {
    const base = { time: '2026-12-06T12:00:00.000Z', actor: { principal: 'scim-token:okta', session: 't1' }, outcome: 'success' } as const;
    const activity = (type: AuditEvent['type'], action: string) => ocsfEventOf({ ...base, type, action }, 1)['activity_id'];
    assert.equal(activity('scim-change', 'create-user'), 1);
    assert.equal(activity('audit-read', 'search'), 2);
    assert.equal(activity('scim-change', 'patch-group'), 3);
    assert.equal(activity('config-apply', 'apply'), 3);
    assert.equal(activity('scim-change', 'delete-user'), 4);
    assert.equal(activity('revocation', 'revoke-subject'), 4);
    assert.equal(activity('token', 'use-bootstrap-token'), 99);
    const denied = ocsfEventOf({ ...base, type: 'decision', action: 's3:GetObject', outcome: 'deny', details: { reason: { code: 'explicit-deny', message: 'denied by scp `deny-s3`' } } }, 4);
    assert.equal(denied['status_id'], 2);
    assert.equal(denied['status_detail'], 'denied by scp `deny-s3`');
    assert.equal(denied['disposition_id'], undefined);
    const session = ocsfEventOf({ ...base, type: 'session-issued', action: 'assume', account: '400000000001', resource: 'arn:aws:sts::400000000001:assumed-role/developer/alice@acme.example' }, 2);
    assert.deepEqual(session['cloud'], { provider: 'AWS', account: { uid: '400000000001' } });
    assert.deepEqual(session['resources'], [{ uid: 'arn:aws:sts::400000000001:assumed-role/developer/alice@acme.example', type: 'AWS ARN' }]);
    assert.equal((session['api'] as { operation: string }).operation, 'assume');
    assert.equal(ocsfEventOf({ ...base, type: 'config-apply', action: 'apply' }, 5)['cloud'], undefined);
  });
});
