// What the connections room hands a provider to call with: the connection's fields (non-secret
// settings and decrypted secrets together) and, for OAuth connections, the current access token
// and what the grant recorded about the account. Never log or return it.
export interface Credentials {
  fields: Record<string, string>;
  /** OAuth connections: a token that is fresh (refreshed first when due). */
  accessToken?: string;
  /** OAuth connections: non-secret facts the grant learned (Mailchimp's `dc` …). */
  account?: Record<string, string>;
}
