export * from './types';
export * from './lines';
export * from './process';
export * from './private-files';
export * from './runners';
export * from './invoke';
