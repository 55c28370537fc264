// Platform
export * from './platform/global-platform';
export * from './platform/platform-interface';
export * from './platform/nat-type';
export * from './platform/import-options';

// Monitoring
export * from './monitoring/budget-threshold';
