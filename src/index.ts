// Platform
export * from './platform/global-platform';
export * from './platform/platform-interface';
export * from './platform/nat-type';
export * from './platform/import-options';

// Monitoring
export * from './monitoring/budget-threshold';

// Routing
export * from './routing/api-routes';
export { ApiTarget } from './routing/api-target';
export * from './routing/api-target-options';
export * from './routing/path-mode';
export * from './routing/service-cors';

// Services
export * from './service/container-service';
export * from './service/tts-service';
export * from './service/service-schedule';

// Frontend
export * from './frontend/static-site';
