// A fake Odoo built on the `xmlrpc` package's own server, speaking Odoo's external API:
//   common: version, authenticate (answers false for a wrong login, a fault for an unknown database)
//   object: execute_kw(db, uid, key, model, method, args, kwargs) with search, search_read, read,
//           create, write over the models Plugboard uses, checked like Odoo checks them (unknown
//           fields, required fields, datetime format, many2one targets) and faulting like Odoo
//           does (1 application error with a traceback, 2 user error, 3 access denied, 4 access rights).
// Tests can queue faults, take the server down, and crash it right after a create has been stored
// (the reply never arrives: the situation that tempts a client into creating the same record twice).
import type http from "node:http";
import type { AddressInfo } from "node:net";
import xmlrpc from "xmlrpc";

type FieldSpec =
  | { type: "char" | "text" | "html" | "bool" | "int" | "float" | "datetime" | "selection"; required?: boolean }
  | { type: "many2one" | "many2many"; relation: string; required?: boolean };

const char = { type: "char" } as const;
const MODELS: Record<string, Record<string, FieldSpec>> = {
  "res.users": { name: char, login: char },
  "res.partner": { name: { type: "char", required: true }, email: char, phone: char, company_name: char },
  "crm.lead": {
    name: { type: "char", required: true },
    contact_name: char,
    email_from: char,
    phone: char,
    partner_name: char,
    website: char,
    description: { type: "html" },
    source_id: { type: "many2one", relation: "utm.source" },
    medium_id: { type: "many2one", relation: "utm.medium" },
    tag_ids: { type: "many2many", relation: "crm.tag" },
    active: { type: "bool" },
  },
  "crm.tag": { name: { type: "char", required: true } },
  "utm.source": { name: { type: "char", required: true } },
  "utm.medium": { name: { type: "char", required: true } },
  "event.event": {
    name: { type: "char", required: true },
    date_begin: { type: "datetime", required: true },
    date_end: { type: "datetime", required: true },
    date_tz: char,
    seats_limited: { type: "bool" },
    seats_max: { type: "int" },
    is_published: { type: "bool" },
    event_url: char,
    description: { type: "html" },
    tag_ids: { type: "many2many", relation: "event.tag" },
  },
  "event.tag": { name: { type: "char", required: true }, category_id: { type: "many2one", relation: "event.tag.category", required: true } },
  "event.tag.category": { name: { type: "char", required: true } },
  "event.registration": {
    event_id: { type: "many2one", relation: "event.event", required: true },
    partner_id: { type: "many2one", relation: "res.partner" },
    name: char,
    email: char,
    phone: char,
    state: { type: "selection" },
  },
  "product.category": { name: { type: "char", required: true }, parent_id: { type: "many2one", relation: "product.category" } },
  "product.template": {
    name: { type: "char", required: true },
    description_sale: { type: "text" },
    list_price: { type: "float" },
    categ_id: { type: "many2one", relation: "product.category" },
    currency_id: { type: "many2one", relation: "res.currency" },
    active: { type: "bool" },
  },
  "res.currency": { name: char },
};

const DEFAULTS: Record<string, Record<string, unknown>> = {
  "crm.lead": { active: true },
  "product.template": { active: true },
  "event.registration": { state: "open" },
};

export interface FakeOdooUser {
  uid: number;
  login: string;
  apiKey: string;
  name: string;
}

export interface FakeOdooFault {
  faultCode: number;
  faultString: string;
}

export interface OdooCall {
  path: string;
  method: string;
  model?: string;
  op?: string;
  args?: unknown[];
  kwargs?: Record<string, unknown>;
}

export type StoredRecord = Record<string, unknown> & { id: number };

export interface FakeOdoo {
  url: string;
  port: number;
  database: string;
  user: FakeOdooUser;
  /** Every method call, in order (path is the HTTP path it arrived on). */
  calls: OdooCall[];
  /** The records of a model, as stored (many2one as ids, many2many as id arrays). */
  records(model: string): StoredRecord[];
  /** Stores a record directly, as if someone had created it in Odoo. */
  insert(model: string, values: Record<string, unknown>): number;
  /** The next execute_kw calls matching `where` (any, by default) answer this fault. */
  faultNext(fault: FakeOdooFault, where?: { model?: string; op?: string }, count?: number): void;
  /** After `count` more successful creates on `model`, the last one is stored and then the server goes down without answering. */
  crashAfterCreates(model: string, count: number): void;
  /** Every request from now on has its connection dropped, until recover(). */
  goDown(): void;
  recover(): void;
  reset(): void;
  close(): Promise<void>;
}

export const ODOO_VERSION = { server_version: "17.0", server_version_info: [17, 0, 0, "final", 0, ""], server_serie: "17.0", protocol_version: 1 };

/** The credentials the fake accepts out of the box. */
export const ODOO_LOGIN = { database: "plugboard", username: "admin@plugboard.test", apiKey: "odoo-api-key-0123456789abcdef", name: "Mitchell Admin" } as const;

const fault = (faultCode: number, faultString: string): FakeOdooFault => ({ faultCode, faultString });
const traceback = (line: string) => `Traceback (most recent call last):\n  File "/odoo/odoo/service/model.py", line 156, in execute_kw\n    ...\n${line}`;

function likePattern(pattern: string, anchored: boolean): RegExp {
  let out = "";
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i]!;
    if (c === "\\" && i + 1 < pattern.length) out += pattern[++i]!.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
    else if (c === "%") out += ".*";
    else if (c === "_") out += ".";
    else out += c.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
  }
  return new RegExp(anchored ? `^${out}$` : out, "is");
}

function escapeLike(value: string): string {
  return value.replace(/[\\%_]/g, "\\$&");
}

function matchLeaf(record: StoredRecord, [field, op, value]: [string, string, unknown], store: (m: string) => Map<number, StoredRecord>, model: string): boolean {
  const raw = record[field];
  const spec = MODELS[model]?.[field];
  const actual = spec?.type === "many2many" ? ((raw as number[] | undefined) ?? []) : raw;
  switch (op) {
    case "=":
      if (Array.isArray(actual)) return actual.includes(value as number);
      return (actual ?? false) === value;
    case "!=":
      return (actual ?? false) !== value;
    case "in":
      if (Array.isArray(actual)) return actual.some((a) => (value as unknown[]).includes(a));
      return (value as unknown[]).includes(actual ?? false);
    case "not in":
      return !(value as unknown[]).includes(actual ?? false);
    case "ilike":
    case "like":
      return typeof actual === "string" && likePattern(`%${escapeLike(String(value))}%`, true).test(actual);
    case "=ilike":
    case "=like":
      return typeof actual === "string" && likePattern(String(value), true).test(actual);
    case "<":
    case ">":
    case "<=":
    case ">=": {
      if (actual === undefined || actual === false) return false;
      const [a, b] = [actual as number | string, value as number | string];
      return op === "<" ? a < b : op === ">" ? a > b : op === "<=" ? a <= b : a >= b;
    }
    case "child_of": {
      const roots = Array.isArray(value) ? (value as number[]) : [value as number];
      const target = spec && spec.type === "many2one" ? spec.relation : model;
      const all = store(target);
      let id = actual as number | undefined;
      const seen = new Set<number>();
      while (typeof id === "number" && !seen.has(id)) {
        if (roots.includes(id)) return true;
        seen.add(id);
        id = all.get(id)?.parent_id as number | undefined;
      }
      return false;
    }
    default:
      throw fault(1, traceback(`ValueError: Invalid leaf ${JSON.stringify([field, op, value])}`));
  }
}

/** Odoo's prefix-notation domains: '&' (implicit between leaves), '|', '!'. */
function matchDomain(record: StoredRecord, domain: unknown[], store: (m: string) => Map<number, StoredRecord>, model: string): boolean {
  let i = 0;
  const parse = (): boolean => {
    const term = domain[i++];
    if (term === "&") return [parse(), parse()].every(Boolean);
    if (term === "|") {
      const a = parse();
      const b = parse();
      return a || b;
    }
    if (term === "!") return !parse();
    if (!Array.isArray(term) || term.length !== 3) throw fault(1, traceback(`ValueError: Invalid domain term ${JSON.stringify(term)}`));
    const [field] = term as [string];
    if (field !== "id" && !MODELS[model]![field]) throw fault(1, traceback(`ValueError: Invalid field ${model}.${field} in leaf ${JSON.stringify(term)}`));
    if (field === "id") return matchLeaf({ ...record, id: record.id }, term as [string, string, unknown], store, model);
    return matchLeaf(record, term as [string, string, unknown], store, model);
  };
  const results: boolean[] = [];
  while (i < domain.length) results.push(parse());
  return results.every(Boolean);
}

export async function startFakeOdoo(options: { port?: number; database?: string } = {}): Promise<FakeOdoo> {
  const database = options.database ?? ODOO_LOGIN.database;
  const user: FakeOdooUser = { uid: 2, login: ODOO_LOGIN.username, apiKey: ODOO_LOGIN.apiKey, name: ODOO_LOGIN.name };
  let tables = new Map<string, Map<number, StoredRecord>>();
  let nextId = 1;
  const calls: OdooCall[] = [];
  let queued: { fault: FakeOdooFault; where: { model?: string; op?: string } }[] = [];
  let crash: { model: string; remaining: number } | null = null;
  let down = false;
  const paths: string[] = [];

  const table = (model: string) => {
    let t = tables.get(model);
    if (!t) tables.set(model, (t = new Map()));
    return t;
  };
  const seed = () => {
    tables = new Map();
    nextId = 100;
    table("res.users").set(user.uid, { id: user.uid, name: user.name, login: user.login });
  };
  seed();

  function checkValues(model: string, values: Record<string, unknown>, existing: StoredRecord | null): Record<string, unknown> {
    const creating = existing === null;
    const spec = MODELS[model]!;
    const out: Record<string, unknown> = {};
    for (const [field, value] of Object.entries(values)) {
      const f = spec[field];
      if (!f) throw fault(1, traceback(`ValueError: Invalid field '${field}' on model '${model}'`));
      if (value === false || value === null) {
        out[field] = false;
        continue;
      }
      switch (f.type) {
        case "datetime":
          if (typeof value !== "string" || !/^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}$/.test(value)) {
            throw fault(1, traceback(`ValueError: time data '${String(value)}' does not match format '%Y-%m-%d %H:%M:%S'`));
          }
          out[field] = value;
          break;
        case "many2one": {
          if (typeof value !== "number" || !table(f.relation).has(value)) {
            throw fault(
              1,
              traceback(`psycopg2.errors.ForeignKeyViolation: insert or update on table "${model.replace(/\./g, "_")}" violates foreign key constraint "${field}_fkey"`),
            );
          }
          out[field] = value;
          break;
        }
        case "many2many": {
          // Commands: [6, 0, ids] replace, [4, id] link, [3, id] unlink, [5] clear.
          let ids = Array.isArray(existing?.[field]) ? [...(existing![field] as number[])] : [];
          if (!Array.isArray(value)) throw fault(1, traceback(`ValueError: Wrong value for ${model}.${field}: ${JSON.stringify(value)}`));
          for (const command of value as unknown[][]) {
            const [code, , arg] = command;
            if (code === 6) ids = [...(arg as number[])];
            else if (code === 4) ids.push(command[1] as number);
            else if (code === 5) ids = [];
            else throw fault(1, traceback(`ValueError: Unsupported command ${JSON.stringify(command)}`));
          }
          for (const id of ids) if (!table(f.relation).has(id)) throw fault(2, `Record does not exist or has been deleted.\n(Record: ${f.relation}(${id},), User: ${user.uid})`);
          out[field] = ids;
          break;
        }
        default:
          out[field] = value;
      }
    }
    if (creating) {
      for (const [field, f] of Object.entries(spec)) {
        if (f.required && (out[field] === undefined || out[field] === false || out[field] === "")) {
          throw fault(2, `The operation cannot be completed: Missing required value for the field '${field}' on model '${model}'`);
        }
      }
    }
    return out;
  }

  function present(model: string, record: StoredRecord, fields: string[] | undefined): Record<string, unknown> {
    const spec = MODELS[model]!;
    const names = fields && fields.length ? fields : Object.keys(spec);
    const out: Record<string, unknown> = { id: record.id };
    for (const name of names) {
      if (name === "id") continue;
      const f = spec[name];
      if (!f) throw fault(1, traceback(`ValueError: Invalid field '${name}' on model '${model}'`));
      const value = record[name];
      if (f.type === "many2one") {
        const target = typeof value === "number" ? table(f.relation).get(value) : undefined;
        out[name] = target ? [target.id, String(target.name ?? "")] : false;
      } else if (f.type === "many2many") {
        out[name] = Array.isArray(value) ? value : [];
      } else {
        out[name] = value === undefined || value === null ? false : value;
      }
    }
    return out;
  }

  function search(model: string, domain: unknown[], kwargs: Record<string, unknown>): StoredRecord[] {
    const context = (kwargs.context ?? {}) as Record<string, unknown>;
    const activeTest = context.active_test !== false && !JSON.stringify(domain).includes('"active"');
    let rows = [...table(model).values()].filter((r) => (activeTest && "active" in MODELS[model]! ? r.active !== false : true) && matchDomain(r, domain, table, model));
    rows.sort((a, b) => a.id - b.id);
    if (typeof kwargs.offset === "number") rows = rows.slice(kwargs.offset);
    if (typeof kwargs.limit === "number" && kwargs.limit > 0) rows = rows.slice(0, kwargs.limit);
    return rows;
  }

  type Reply = (error: FakeOdooFault | null, value?: unknown) => void;

  function executeKw(params: unknown[], reply: Reply, dropConnection: () => void) {
    const [db, uid, key, model, op, args = [], kwargs = {}] = params as [string, number, string, string, string, unknown[], Record<string, unknown>];
    calls.push({ path: paths.shift() ?? "", method: "execute_kw", model, op, args, kwargs });
    if (db !== database) return reply(fault(1, traceback(`psycopg2.OperationalError: FATAL:  database "${db}" does not exist`)));
    if (uid !== user.uid || key !== user.apiKey) return reply(fault(3, "Access Denied"));
    const queuedIndex = queued.findIndex((q) => (!q.where.model || q.where.model === model) && (!q.where.op || q.where.op === op));
    if (queuedIndex >= 0) return reply(queued.splice(queuedIndex, 1)[0]!.fault);
    if (!MODELS[model]) return reply(fault(1, traceback(`KeyError: '${model}'`)));
    try {
      switch (op) {
        case "search":
          return reply(
            null,
            search(model, (args[0] as unknown[]) ?? [], kwargs).map((r) => r.id),
          );
        case "search_read":
          return reply(
            null,
            search(model, (args[0] as unknown[]) ?? [], kwargs).map((r) => present(model, r, kwargs.fields as string[] | undefined)),
          );
        case "read": {
          const ids = (Array.isArray(args[0]) ? args[0] : [args[0]]) as number[];
          const missing = ids.filter((id) => !table(model).has(id));
          if (missing.length) return reply(fault(2, `Record does not exist or has been deleted.\n(Record: ${model}(${missing.join(", ")},), User: ${user.uid})`));
          return reply(
            null,
            ids.map((id) => present(model, table(model).get(id)!, (kwargs.fields ?? args[1]) as string[] | undefined)),
          );
        }
        case "create": {
          const values = args[0];
          if (!values || typeof values !== "object" || Array.isArray(values)) return reply(fault(1, traceback("TypeError: create() expects a dict of values")));
          const stored = { ...DEFAULTS[model], ...checkValues(model, values as Record<string, unknown>, null), id: nextId++ } as StoredRecord;
          table(model).set(stored.id, stored);
          if (crash && crash.model === model) {
            crash.remaining -= 1;
            if (crash.remaining <= 0) {
              // Stored, and then the server dies before it can answer.
              crash = null;
              down = true;
              return dropConnection();
            }
          }
          return reply(null, stored.id);
        }
        case "write": {
          const [ids, values] = args as [number[], Record<string, unknown>];
          const missing = ids.filter((id) => !table(model).has(id));
          if (missing.length) return reply(fault(2, `Record does not exist or has been deleted.\n(Record: ${model}(${missing.join(", ")},), User: ${user.uid})`));
          for (const id of ids) {
            const existing = table(model).get(id)!;
            table(model).set(id, { ...existing, ...checkValues(model, values, existing), id });
          }
          return reply(null, true);
        }
        default:
          return reply(fault(1, traceback(`AttributeError: The method '${op}' does not exist on the model '${model}'`)));
      }
    } catch (error) {
      if (error && typeof error === "object" && "faultCode" in error) return reply(error as FakeOdooFault);
      return reply(fault(1, traceback(`Exception: ${String(error)}`)));
    }
  }

  const server = await new Promise<xmlrpc.Server>((resolve) => {
    const s = xmlrpc.createServer({ host: "127.0.0.1", port: options.port ?? 0 }, () => resolve(s));
  });
  const httpServer = server.httpServer as http.Server;
  httpServer.keepAliveTimeout = 1_000;
  // The xmlrpc server hands its method handlers no request; record the path (and play dead) here.
  httpServer.prependListener("request", (req: http.IncomingMessage) => {
    if (down) {
      req.socket.destroy();
      return;
    }
    paths.push(req.url ?? "");
  });
  const dropAll = () => httpServer.closeAllConnections();

  server.on("version", (_err, _params, reply: Reply) => {
    calls.push({ path: paths.shift() ?? "", method: "version" });
    reply(null, ODOO_VERSION);
  });
  server.on("authenticate", (_err, params: unknown[], reply: Reply) => {
    calls.push({ path: paths.shift() ?? "", method: "authenticate", args: params });
    const [db, login, key] = params as [string, string, string];
    if (db !== database) return reply(fault(1, traceback(`psycopg2.OperationalError: FATAL:  database "${db}" does not exist`)));
    reply(null, login === user.login && key === user.apiKey ? user.uid : false);
  });
  server.on("execute_kw", (_err, params: unknown[], reply: Reply) => executeKw(params, reply, dropAll));

  const port = (httpServer.address() as AddressInfo).port;
  return {
    url: `http://127.0.0.1:${port}`,
    port,
    database,
    user,
    calls,
    records: (model) => [...table(model).values()].sort((a, b) => a.id - b.id),
    insert(model, values) {
      const id = nextId++;
      table(model).set(id, { ...DEFAULTS[model], ...values, id } as StoredRecord);
      return id;
    },
    faultNext(f, where = {}, count = 1) {
      for (let i = 0; i < count; i++) queued.push({ fault: f, where });
    },
    crashAfterCreates(model, count) {
      crash = { model, remaining: count };
    },
    goDown() {
      down = true;
      dropAll();
    },
    recover() {
      down = false;
    },
    reset() {
      seed();
      calls.length = 0;
      paths.length = 0;
      queued = [];
      crash = null;
      down = false;
    },
    close() {
      return new Promise<void>((resolve) => {
        httpServer.close(() => resolve());
        httpServer.closeAllConnections();
      });
    },
  };
}
