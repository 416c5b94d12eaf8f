// A workspace's live Odoo connection for sync code: every call goes through the pipeline (timeout
// from the connection's settings, retries, breaker, one activity row), logging in once per
// connection object and reusing the user id.
import { ApiError } from "@/lib/http/api";
import { readConnectionFields } from "@/lib/integrations/connections";
import { classifyOdooError, odooAuthenticate, OdooModels, odooSettings, type OdooSettings } from "@/lib/integrations/odoo/client";
import { scrubSecrets } from "@/lib/integrations/kit/secrets";
import { callProvider, ProviderError, type CallOptions, type CallResult } from "@/lib/pipeline";

export class OdooConnection {
  private uid: number | null = null;

  private constructor(
    readonly workspaceId: string,
    readonly connectionId: string,
    readonly settings: OdooSettings,
    readonly actor: string,
    private readonly options: CallOptions,
  ) {}

  /** The workspace's Odoo connection, or a 409 that says to connect Odoo first. */
  static async open(workspaceId: string, actor: string, options: CallOptions = {}): Promise<OdooConnection> {
    const stored = await readConnectionFields(workspaceId, "odoo");
    if (!stored) throw new ApiError(409, "Odoo is not connected in this workspace: connect it on the Integrations page first");
    return new OdooConnection(workspaceId, stored.connectionId, odooSettings(stored.fields), actor, options);
  }

  /**
   * Runs `fn` against Odoo as one pipeline call named `operation` (logging in first if needed).
   * `retry: false` for calls that create records: an attempt that timed out may still be
   * committing in Odoo, so an immediate second attempt could not be sure to find it. The next run
   * looks for it first instead.
   */
  async call<T>(operation: string, fn: (models: OdooModels) => Promise<T>, options: { retry?: boolean } = {}): Promise<CallResult<T>> {
    if (this.uid === null) {
      const login = await this.pipeline("common.authenticate", (signal) => odooAuthenticate(this.settings, signal));
      if (!login.ok) return login;
      this.uid = login.value;
    }
    const uid = this.uid;
    return this.pipeline(operation, (signal) => fn(new OdooModels(this.settings, uid, signal)), options.retry === false ? { maxAttempts: 1 } : {});
  }

  private pipeline<T>(operation: string, fn: (signal: AbortSignal) => Promise<T>, extra: CallOptions = {}): Promise<CallResult<T>> {
    return callProvider(
      { workspaceId: this.workspaceId, connectionId: this.connectionId, providerId: "odoo", operation, actor: this.actor },
      fn,
      {
        timeoutMs: this.settings.timeoutMs,
        ...this.options,
        ...extra,
        classify: (error) => {
          const classified = classifyOdooError(error);
          return new ProviderError(scrubSecrets(classified.message, { apiKey: this.settings.apiKey }), {
            category: classified.category,
            statusCode: classified.statusCode,
            providerCode: classified.providerCode,
            retryAfterMs: classified.retryAfterMs,
          });
        },
      },
    );
  }
}
