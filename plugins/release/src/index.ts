import { stage } from './stage';

export const name = '@conveyor/release';
export const createNodes = stage.createNodes;
export { stage };
