// A workspace's CRM connection for sync code (the `crm` slot: Odoo today). Every call goes through
// the connection's pipeline (timeout from the connection's settings, retries, breaker, one activity
// row), logging in once per connection object and reusing the user id.
import { openCapability, type OpenConnection } from "@/lib/connections/open";
import type { CrmModels, CrmPort, CrmSettings } from "@/lib/integrations/kit/ports/crm";
import type { CallOptions, CallResult } from "@/lib/pipeline";

export class CrmConnection {
  private uid: number | null = null;

  private constructor(
    private readonly connection: OpenConnection,
    private readonly port: CrmPort,
    readonly settings: CrmSettings,
    private readonly options: CallOptions,
  ) {}

  get connectionId(): string {
    return this.connection.id;
  }

  get workspaceId(): string {
    return this.connection.workspaceId;
  }

  /** Which connection (and provider) this is, for run records and events. */
  get identity(): { connectionId: string; providerId: string } {
    return { connectionId: this.connection.id, providerId: this.connection.providerId };
  }

  /** The workspace's CRM connection, or a 409 that says to connect one first. */
  static async open(workspaceId: string, actor: string, options: CallOptions = {}): Promise<CrmConnection> {
    const { connection, port } = await openCapability(workspaceId, "crm", { actor, ...(options.db ? { db: options.db } : {}) });
    return new CrmConnection(connection, port, port.settings(connection.credentials.fields), options);
  }

  /**
   * Runs `fn` against the CRM as one pipeline call named `operation` (logging in first if needed).
   * `retry: false` for calls that create records: an attempt that timed out may still be
   * committing at the CRM, so an immediate second attempt could not be sure to find it. The next run
   * looks for it first instead.
   */
  async call<T>(operation: string, fn: (models: CrmModels) => Promise<T>, options: { retry?: boolean } = {}): Promise<CallResult<T>> {
    const { fields } = this.connection.credentials;
    if (this.uid === null) {
      const login = await this.pipeline("common.authenticate", (signal) => this.port.login(fields, signal));
      if (!login.ok) return login;
      this.uid = login.value;
    }
    const uid = this.uid;
    return this.pipeline(operation, (signal) => fn(this.port.models(fields, uid, signal)), options.retry === false ? { maxAttempts: 1 } : {});
  }

  private pipeline<T>(operation: string, fn: (signal: AbortSignal) => Promise<T>, extra: CallOptions = {}): Promise<CallResult<T>> {
    return this.connection.call(operation, fn, { timeoutMs: this.settings.timeoutMs, ...this.options, ...extra });
  }
}
