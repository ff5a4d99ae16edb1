/**
 * How popfwd logs in to POP3 and SMTP. OAuth2 hands out access tokens through a provider, so the
 * same token serves POP3 and SMTP within a run and a rejected token can be renewed once.
 */
export interface AccessToken {
  readonly token: string;
  /** Epoch milliseconds. */
  readonly expiresAt: number;
}

export interface AccessTokenProvider {
  /** A valid access token; `renew` forces a refresh after the server rejected the current one. */
  getAccessToken(options?: { readonly renew?: boolean }): Promise<AccessToken>;
}

export type Credentials =
  | { readonly kind: 'password'; readonly user: string; readonly password: string }
  | { readonly kind: 'oauth2'; readonly user: string; readonly tokens: AccessTokenProvider };
