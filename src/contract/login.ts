/** the sign-in endpoints' JSON shapes (`/v1/login/device`, `/v1/login/device/token`); the browser steps are redirects and HTML */
import { z } from 'zod';
import { nameText } from './request-text.ts';

export const LoginQuery = z.object({
  /** a `parapet login` listening on loopback: `http://127.0.0.1:PORT/...` (only loopback is accepted) */
  cli_redirect: z.string().max(2048).optional(),
});

export const DeviceLogin = z
  .object({
    /** the secret the CLI polls with: never shown to the person */
    deviceCode: z.string(),
    /** what the person types or confirms in the browser, `XXXX-XXXX` */
    userCode: z.string(),
    verificationUri: z.string(),
    /** the verification URI with the user code filled in */
    verificationUriComplete: z.string(),
    /** seconds to wait between polls */
    interval: z.number().int().positive(),
    /** seconds until the codes expire */
    expiresIn: z.number().int().positive(),
  })
  .meta({ id: 'DeviceLogin' });
export type DeviceLogin = z.infer<typeof DeviceLogin>;

export const DeviceTokenRequest = z.strictObject({ deviceCode: nameText(256) }).meta({ id: 'DeviceTokenRequest' });

export const SignInCredential = z.object({
  /** the sign-in credential: `Authorization: Bearer <token>` */
  token: z.string(),
  user: z.string(),
  expiresAt: z.string(),
});
export type SignInCredential = z.infer<typeof SignInCredential>;

export const DeviceToken = z
  .discriminatedUnion('status', [z.object({ status: z.literal('authorization_pending') }), SignInCredential.extend({ status: z.literal('complete') })])
  .meta({ id: 'DeviceToken', description: '`authorization_pending` until the person has signed in, then the credential, once' });
export type DeviceToken = z.infer<typeof DeviceToken>;

export const DeviceVerifyForm = z.object({ user_code: z.string().max(64) });
