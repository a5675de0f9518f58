/**
 * The resource schemas Parapet serves (RFC 7643 §4 core User and Group, §4.3 enterprise user
 * extension), as data: they drive attribute-name canonicalisation (names are case-insensitive),
 * type checks, mutability, case-exactness in filters, and the /Schemas endpoint. Attributes
 * Parapet does not keep (password, x509Certificates) are left out on purpose: a password sent by a
 * client is dropped, never stored (docs/scim.md).
 */
export type AttributeType = 'string' | 'boolean' | 'complex' | 'reference' | 'dateTime' | 'integer' | 'decimal';
export type Mutability = 'readOnly' | 'readWrite' | 'immutable' | 'writeOnly';

export interface AttributeDefinition {
  readonly name: string;
  readonly type: AttributeType;
  readonly multiValued: boolean;
  readonly required: boolean;
  readonly caseExact: boolean;
  readonly mutability: Mutability;
  readonly returned: 'always' | 'default' | 'never' | 'request';
  readonly uniqueness: 'none' | 'server' | 'global';
  readonly description: string;
  readonly subAttributes?: readonly AttributeDefinition[];
}

export interface SchemaDefinition {
  readonly id: string;
  readonly name: string;
  readonly description: string;
  readonly attributes: readonly AttributeDefinition[];
}

export const USER_SCHEMA = 'urn:ietf:params:scim:schemas:core:2.0:User';
export const GROUP_SCHEMA = 'urn:ietf:params:scim:schemas:core:2.0:Group';
export const ENTERPRISE_USER_SCHEMA = 'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User';
export const LIST_RESPONSE_SCHEMA = 'urn:ietf:params:scim:api:messages:2.0:ListResponse';
export const PATCH_OP_SCHEMA = 'urn:ietf:params:scim:api:messages:2.0:PatchOp';

function attr(name: string, type: AttributeType, options: Partial<Omit<AttributeDefinition, 'name' | 'type'>> = {}): AttributeDefinition {
  return {
    name,
    type,
    multiValued: false,
    required: false,
    caseExact: false,
    mutability: 'readWrite',
    returned: 'default',
    uniqueness: 'none',
    description: name,
    ...options,
  };
}

/** the sub-attributes of a multi-valued attribute like emails: value, display, type, primary */
function multi(name: string, valueType: AttributeType = 'string', extra: readonly AttributeDefinition[] = []): AttributeDefinition {
  return attr(name, 'complex', {
    multiValued: true,
    subAttributes: [attr('value', valueType), attr('display', 'string'), attr('type', 'string'), attr('primary', 'boolean'), ...extra],
  });
}

const NAME = attr('name', 'complex', {
  subAttributes: ['formatted', 'familyName', 'givenName', 'middleName', 'honorificPrefix', 'honorificSuffix'].map((n) => attr(n, 'string')),
});

const ADDRESSES = attr('addresses', 'complex', {
  multiValued: true,
  subAttributes: [
    ...['formatted', 'streetAddress', 'locality', 'region', 'postalCode', 'country', 'type'].map((n) => attr(n, 'string')),
    attr('primary', 'boolean'),
  ],
});

const REFERENCE_SUBS = (readOnly: boolean): AttributeDefinition[] => [
  attr('value', 'string', { caseExact: true, ...(readOnly ? { mutability: 'readOnly' } : { mutability: 'immutable' }) }),
  attr('$ref', 'reference', { caseExact: true, mutability: readOnly ? 'readOnly' : 'immutable' }),
  attr('display', 'string', { mutability: readOnly ? 'readOnly' : 'readWrite' }),
  attr('type', 'string', { mutability: readOnly ? 'readOnly' : 'immutable' }),
];

/** id, externalId and meta: common to every resource (RFC 7643 §3.1) */
export const COMMON_ATTRIBUTES: readonly AttributeDefinition[] = [
  attr('id', 'string', { caseExact: true, mutability: 'readOnly', returned: 'always', uniqueness: 'server' }),
  attr('externalId', 'string', { caseExact: true }),
  attr('meta', 'complex', {
    mutability: 'readOnly',
    subAttributes: ['resourceType', 'created', 'lastModified', 'location', 'version'].map((n) =>
      attr(n, n === 'created' || n === 'lastModified' ? 'dateTime' : 'string', { mutability: 'readOnly', caseExact: n === 'version' || n === 'location' }),
    ),
  }),
];

export const USER_SCHEMA_DEFINITION: SchemaDefinition = {
  id: USER_SCHEMA,
  name: 'User',
  description: 'User Account',
  attributes: [
    attr('userName', 'string', { required: true, uniqueness: 'server' }),
    NAME,
    ...['displayName', 'nickName', 'profileUrl', 'title', 'userType', 'preferredLanguage', 'locale', 'timezone'].map((n) => attr(n, n === 'profileUrl' ? 'reference' : 'string')),
    attr('active', 'boolean'),
    multi('emails'),
    multi('phoneNumbers'),
    multi('ims'),
    multi('photos', 'reference'),
    ADDRESSES,
    attr('groups', 'complex', { multiValued: true, mutability: 'readOnly', subAttributes: REFERENCE_SUBS(true) }),
    multi('entitlements'),
    multi('roles'),
  ],
};

export const ENTERPRISE_USER_SCHEMA_DEFINITION: SchemaDefinition = {
  id: ENTERPRISE_USER_SCHEMA,
  name: 'EnterpriseUser',
  description: 'Enterprise User',
  attributes: [
    ...['employeeNumber', 'costCenter', 'organization', 'division', 'department'].map((n) => attr(n, 'string')),
    attr('manager', 'complex', {
      subAttributes: [attr('value', 'string', { caseExact: true }), attr('$ref', 'reference', { caseExact: true }), attr('displayName', 'string', { mutability: 'readOnly' })],
    }),
  ],
};

export const GROUP_SCHEMA_DEFINITION: SchemaDefinition = {
  id: GROUP_SCHEMA,
  name: 'Group',
  description: 'Group',
  attributes: [
    attr('displayName', 'string', { required: true, uniqueness: 'server' }),
    attr('members', 'complex', { multiValued: true, subAttributes: REFERENCE_SUBS(false) }),
  ],
};

/** a resource type: its core schema and its extensions */
export interface ResourceTypeDefinition {
  readonly name: 'User' | 'Group';
  readonly endpoint: string;
  readonly schema: SchemaDefinition;
  readonly extensions: readonly SchemaDefinition[];
}

export const USER_RESOURCE: ResourceTypeDefinition = { name: 'User', endpoint: '/Users', schema: USER_SCHEMA_DEFINITION, extensions: [ENTERPRISE_USER_SCHEMA_DEFINITION] };
export const GROUP_RESOURCE: ResourceTypeDefinition = { name: 'Group', endpoint: '/Groups', schema: GROUP_SCHEMA_DEFINITION, extensions: [] };

/** the attribute of a resource type by name, case-insensitively; undefined when there is none */
export function findAttribute(attributes: readonly AttributeDefinition[], name: string): AttributeDefinition | undefined {
  const lower = name.toLowerCase();
  return attributes.find((a) => a.name.toLowerCase() === lower);
}

/** the core and common attributes of a resource type */
export function coreAttributes(resource: ResourceTypeDefinition): readonly AttributeDefinition[] {
  return [...COMMON_ATTRIBUTES, ...resource.schema.attributes];
}

/** the extension schema with this URN, case-insensitively */
export function findExtension(resource: ResourceTypeDefinition, urn: string): SchemaDefinition | undefined {
  const lower = urn.toLowerCase();
  return resource.extensions.find((e) => e.id.toLowerCase() === lower);
}
