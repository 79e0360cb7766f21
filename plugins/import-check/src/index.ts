import { stage } from './stage';

export const name = '@conveyor/import-check';
export const createNodes = stage.createNodes;
export { stage };
