import { stage } from './stage';

export const executor = stage.executor;
export const batchExecutor = stage.batchExecutor;
export default stage.executor;
