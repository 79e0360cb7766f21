import { stage } from './stage';

export const name = '@conveyor/migrate';
export const createNodes = stage.createNodes;
export { stage };
export { planMigration, type Plan } from './plan';
export { DEFAULT_BASE_IMAGE, DEFAULT_MANIFEST_VERSION, DEFAULT_OPTIONS, type MigrateOptions } from './options';
export { flattenManifest } from './flatten';
