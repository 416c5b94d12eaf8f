// For SDKs that take no AbortSignal: the promise, rejected when the pipeline's signal aborts (and
// `onAbort` called, so the SDK's connection can be closed).
export function abortable<T>(promise: Promise<T>, signal: AbortSignal, onAbort?: () => void): Promise<T> {
  const reason = () => signal.reason ?? new DOMException("Aborted", "AbortError");
  if (signal.aborted) {
    onAbort?.();
    return Promise.reject(reason());
  }
  return new Promise<T>((resolve, reject) => {
    const abort = () => {
      onAbort?.();
      reject(reason());
    };
    signal.addEventListener("abort", abort, { once: true });
    promise.then(
      (v) => {
        signal.removeEventListener("abort", abort);
        resolve(v);
      },
      (e) => {
        signal.removeEventListener("abort", abort);
        reject(e);
      },
    );
  });
}
