/**
 * Who a signed-in user is in the configuration: the configured claim (`email` by default) names
 * the user, compared without case with the directory's user names (`groups.*.members` of
 * `parapet.yaml`, or SCIM later). Steps: read the user name → find the directory's user → refuse
 * a deactivated one → their groups.
 *
 * Which groups decide (docs/sso.md): the directory's. The provider's groups claim is recorded, and
 * its names that are groups of the configuration count too only when the settings say
 * `trustIdpGroups: true`: then whoever administers the provider's groups also grants Parapet
 * access, which an operator must choose knowingly. A user the directory does not know is refused,
 * unless trusted provider groups make them a member of some group.
 */
import type { Directory } from '../org/directory.ts';
import { ParapetError } from '../policy/parapet-error.ts';
import type { ResolvedOidcSettings } from './oidc-settings.ts';
import type { SignedInUser } from './signed-in-user.ts';

export interface DirectoryUser {
  /** the user name as the directory spells it (for a user known only through trusted provider groups: the claim, lower-cased) */
  readonly userName: string;
  /** the groups that decide access: the directory's, plus the honoured provider groups */
  readonly groups: readonly string[];
  /** the groups the directory gives */
  readonly directoryGroups: readonly string[];
  /** the groups the provider's claim named, whether honoured or not */
  readonly idpGroups: readonly string[];
  /** the provider groups that count: names of the directory's groups, only with `trustIdpGroups` */
  readonly honouredIdpGroups: readonly string[];
}

export type MatchSettings = Pick<ResolvedOidcSettings, 'userClaim' | 'trustIdpGroups'>;

export function matchDirectoryUser(user: SignedInUser, directory: Directory, settings: MatchSettings): DirectoryUser {
  const claimed = readUserName(user, settings);
  const userName = findDirectoryUser(directory, claimed);
  if (userName !== undefined && directory.attributesOf(userName)?.active === false) {
    throw new ParapetError('forbidden', `sign-in: user \`${userName}\` is deactivated in the directory`, { details: { user: userName } });
  }
  const directoryGroups = userName === undefined ? [] : directory.groupsOf(userName);
  const honouredIdpGroups = settings.trustIdpGroups ? user.groups.filter((group) => directory.hasGroup(group) && !directoryGroups.includes(group)) : [];
  if (userName === undefined && honouredIdpGroups.length === 0) {
    throw new ParapetError('forbidden', `sign-in: \`${claimed}\` is not a user of the configuration: no group lists them`, { details: { user: claimed } });
  }
  // in the directory's order, so the same user gets the same list however the provider orders its claim
  const decided = new Set([...directoryGroups, ...honouredIdpGroups]);
  const groups = directory.listGroups().filter((group) => decided.has(group));
  return {
    userName: userName ?? claimed,
    groups,
    directoryGroups: [...directoryGroups],
    idpGroups: [...user.groups],
    honouredIdpGroups,
  };
}

function readUserName(user: SignedInUser, settings: MatchSettings): string {
  const claim = settings.userClaim;
  let value: string | undefined;
  switch (claim) {
    case 'email':
      // an address the provider has not verified could be anyone's: never let it name a user
      if (user.emailVerified === false) {
        throw new ParapetError('unauthenticated', `sign-in: the provider has not verified e-mail address \`${user.email ?? ''}\``, { details: { claim } });
      }
      value = user.email;
      break;
    case 'preferred_username':
      value = user.preferredUsername;
      break;
    case 'sub':
      value = user.subject;
      break;
    default: {
      const never: never = claim;
      throw new ParapetError('internal', `sign-in: unknown user claim \`${String(never)}\``);
    }
  }
  if (value === undefined || value.trim() === '') {
    throw new ParapetError('unauthenticated', `sign-in: the provider gave no \`${claim}\` claim to name the user (is its scope asked for?)`, { details: { claim } });
  }
  return value.trim().toLowerCase();
}

/** the directory's spelling of `name`, compared without case */
function findDirectoryUser(directory: Directory, name: string): string | undefined {
  if (directory.hasUser(name)) return name;
  return directory.listUsers().find((user) => user.toLowerCase() === name);
}
