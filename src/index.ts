// The contract every building block and service app shares
export * from './contract/platform';
export * from './contract/local-run-options';
export * from './core/guard-waivers-validator';

// Building blocks
export * from './network/nat-type';
export * from './network/network-options';
export * from './monitoring/budget-threshold';
export * from './monitoring/cost-budget';
export * from './routing/api-routes';
export * from './routing/api-target';
export * from './routing/api-target-options';
export * from './routing/long-lived-options';
export * from './routing/long-lived-origin-type';
export * from './routing/path-mode';
export * from './routing/routing-options';
export * from './routing/service-cors';
export * from './routing/waf-options';
export * from './service/container-service';
export * from './service/container-security-options';
export * from './service/fargate-task-options';
export * from './service/service-connect-options';
export * from './service/service-schedule';
export * from './frontend/static-site';

// The composition root
export * from './platform/global-platform';
export * from './platform/global-platform-props';
export * from './platform/import-options';
export * from './platform/region-options';

// Presets
export * from './presets/tts-service';

// The cost estimate of a synthesized app (also the `platform-cost` command)
export * from './cost/cost-estimate';
export * from './cost/cost-estimator';
