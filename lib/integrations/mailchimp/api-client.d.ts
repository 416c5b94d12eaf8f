// Types for the part of Mailchimp's Marketing SDK Plugboard uses. The package ships no types; its
// ApiClient class is instantiated per tenant (the package's default export is one shared instance).
declare module "@mailchimp/mailchimp_marketing/src/ApiClient" {
  interface MailchimpList {
    id: string;
    name: string;
    stats?: { member_count?: number };
    date_created?: string;
  }
  interface MailchimpMember {
    id: string;
    email_address: string;
    status: string;
    merge_fields?: Record<string, unknown>;
  }
  class ApiClient {
    basePath: string;
    timeout: number;
    defaultHeaders: Record<string, string>;
    /** Replaces the whole configuration; leave `server` out so basePath is used as given. */
    setConfig(config: { apiKey?: string; accessToken?: string; server?: string }): void;
    root: { getRoot(opts?: { fields?: string[]; excludeFields?: string[] }): Promise<Record<string, unknown>> };
    lists: {
      getAllLists(opts?: { count?: number; offset?: number; fields?: string[] }): Promise<{ lists: MailchimpList[]; total_items: number }>;
      setListMember(
        listId: string,
        subscriberHash: string,
        body: { email_address: string; status_if_new: string; status?: string; merge_fields?: Record<string, unknown> },
        opts?: { skipMergeValidation?: boolean },
      ): Promise<MailchimpMember>;
    };
  }
  export = ApiClient;
}
