/**
 * The live organization for the `parapet aws` commands, read with the standard AWS configuration.
 * The AWS SDK is loaded here, when an AWS command runs, so that every other command (`serve`
 * first) starts without loading it.
 */
import type { LiveOrganization } from '../aws/live-organization.ts';

export async function readLiveOrganization(): Promise<LiveOrganization> {
  const [{ createAwsClients }, { awsFailure }, { readOrganization }] = await Promise.all([
    import('../aws/aws-clients.ts'),
    import('../aws/aws-failure.ts'),
    import('../aws/read-organization.ts'),
  ]);
  const clients = createAwsClients();
  try {
    return await readOrganization(clients.organizations);
  } catch (error) {
    throw awsFailure('reading the organization', error);
  } finally {
    clients.destroy();
  }
}
