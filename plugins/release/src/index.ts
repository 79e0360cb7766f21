import { stage } from './stage';

export const name = '@conveyor/plugin-release';
export const createNodes = stage.createNodes;
export { stage };
