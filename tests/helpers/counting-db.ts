// A database client that records every query made through it — model calls ("connection.findMany")
// and raw SQL ("$queryRaw") — so tests can hold code to a fixed number of queries.
import type { Db } from "@/lib/db/client";

const RAW = new Set(["$queryRaw", "$executeRaw", "$queryRawUnsafe", "$executeRawUnsafe"]);

export function countingDb(db: Db): { db: Db; calls: string[] } {
  const calls: string[] = [];
  const proxy = new Proxy(db, {
    get(target, model: string | symbol) {
      const value = Reflect.get(target, model);
      if (typeof model === "string" && RAW.has(model) && typeof value === "function") {
        return (...args: unknown[]) => {
          calls.push(model);
          return value.apply(target, args);
        };
      }
      if (typeof model !== "string" || model.startsWith("$") || !value || typeof value !== "object") return value;
      return new Proxy(value, {
        get(delegate, method: string | symbol) {
          const fn = Reflect.get(delegate, method);
          if (typeof fn !== "function") return fn;
          return (...args: unknown[]) => {
            calls.push(`${model}.${String(method)}`);
            return fn.apply(delegate, args);
          };
        },
      });
    },
  });
  return { db: proxy, calls };
}
