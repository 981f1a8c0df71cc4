/** The workloads W1–W5 ship with the package (lib/benchmarks/workloads.ts); re-exported for the scripts of bench/. */
export * from '../lib/benchmarks/workloads';
