// The parts of @mailchimp/mailchimp_marketing (untyped CommonJS) that Plugboard uses. Its ApiClient
// is instantiated per connection: the package's default export is one shared, mutable instance.
declare module "@mailchimp/mailchimp_marketing/src/ApiClient.js" {
  export interface MailchimpApiClient {
    /** e.g. https://us19.api.mailchimp.com/3.0 — set with the data centre already filled in. */
    basePath: string;
    timeout: number;
    /** Replaces the whole configuration; leave `server` out so the URL is used as given. */
    setConfig(config: { apiKey?: string; accessToken?: string }): void;
    root: { getRoot(opts?: { fields?: string[]; excludeFields?: string[] }): Promise<Record<string, unknown>> };
    ping: { get(): Promise<{ health_status?: string }> };
    [api: string]: unknown;
  }
  const ApiClient: { new (): MailchimpApiClient };
  export default ApiClient;
}
