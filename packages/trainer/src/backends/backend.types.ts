/** Preference order when nothing is forced: fastest first where it loads at all. */
export const BACKEND_ORDER = ['tensorflow-gpu', 'tensorflow', 'blas', 'wasm', 'cpu'] as const;
/** `noop` trains nothing (queue load tests); it is only used when asked for by name. */
export const BACKENDS = [...BACKEND_ORDER, 'noop'] as const;
export type BackendName = (typeof BACKENDS)[number];

export interface BackendInfo {
  name: BackendName;
  version: string;
}

/** Options for the wasm backend, which only matter on the first load in a process. */
export interface WasmOptions {
  /** XNNPACK threads; only effective where the threaded wasm binary can run. */
  threads?: number;
}
