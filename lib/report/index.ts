/** The HTML report of `ran stream` / `ran eval`: charts rendered to SVG with Vega in Node. */
export { renderReport, type ReportInput } from './html';
export { renderSvg } from './vega';
export { runSample, type SampleTrace, type AttentionTrace } from './sample';
