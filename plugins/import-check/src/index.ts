import { stage } from './stage';

export const name = '@conveyor/import-check';
export const createNodes = stage.createNodes;
export { stage };
// For other stages and scripts: the check itself and the --fix plan, without Nx.
export { analyze, OLDEST_SUPPORTED_VERSION, type Analysis, type AnalyzeOptions } from './analyze';
export { planFixes, type FixPlan } from './fix';
export { BUNDLED_CDK_VERSION, BUNDLED_SCHEMA, type ImportCheckOptions } from './stage';
export type { ImportFinding, Impact, Verdict } from './findings';
