export * from './types';
export * from './glob';
export * from './registry';
export * from './infer';
export * from './report';
export * from './progress';
export * from './define-stage';
