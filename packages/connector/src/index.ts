export * from './problem';
export * from './yaml-file';
export * from './metadata';
export * from './layout';
export * from './connector';
export * from './files';
export * from './diff';
export * from './change-set';
