/** Classic reservoir-computing datasets: Mackey–Glass (τ = 17), NARMA-10, Lorenz. */
export * from './mackeyGlass';
export * from './narma';
export * from './lorenz';
export type { Dataset, ForecastOptions } from './types';
