import { buildApp } from './app';
import { AppConfig, ConfigError, loadConfig } from './config';

/** Time allowed for a graceful shutdown before the process exits anyway. */
const SHUTDOWN_TIMEOUT_MS = 10_000;

async function main(): Promise<void> {
  let config: AppConfig;
  try {
    config = loadConfig(process.env);
  } catch (err) {
    if (err instanceof ConfigError) {
      process.stderr.write(`jessica: ${err.message}\n`);
      process.exit(1);
    }
    throw err;
  }

  const app = await buildApp(config);
  if (!config.elevenLabsApiKey) {
    app.log.warn('ELEVENLABS_API_KEY is not set (or still the placeholder of the created secret): speech, voices and models answer 503 until it is configured');
  }
  const address = await app.listen({ port: config.port, host: config.host });
  app.log.info(`${config.serviceName} listening on ${address}${config.rootPath}/ (health: ${address}${config.rootPath}/health)`);

  let stopping = false;
  const shutdown = (signal: NodeJS.Signals): void => {
    if (stopping) return;
    stopping = true;
    app.log.info(`${signal} received: closing WebSocket clients, then the server`);
    setTimeout(() => {
      app.log.error('graceful shutdown timed out');
      process.exit(1);
    }, SHUTDOWN_TIMEOUT_MS).unref();
    // app.close() runs the preClose hooks (WebSockets closed with 1001), then stops the server.
    app.close().then(() => process.exit(0), (err: unknown) => {
      app.log.error({ err }, 'error during shutdown');
      process.exit(1);
    });
  };
  process.once('SIGTERM', shutdown);
  process.once('SIGINT', shutdown);
}

main().catch((err: unknown) => {
  process.stderr.write(`jessica: failed to start: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exit(1);
});
